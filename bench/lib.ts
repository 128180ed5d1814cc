import { organizationNameKey } from '../src/modules/organizations/organization-name';
import { EntityManager } from '@mikro-orm/better-sqlite';
import type { INestApplicationContext } from '@nestjs/common';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createOperator, createTestApp, type TestApp } from '../test/utils/test-app';

// Shared by the bench/*.bench.ts scripts: an app on a temporary data
// directory (the test starter, so the real AppModule and migrations), data
// generators, a signed-in session and an autocannon runner. Benchmarks print
// figures; they never assert on time (timing is not a test).

export interface BenchApp {
  t: TestApp;
  baseUrl: string;
  close(): Promise<void>;
}

/** The real app on a fresh SQLite file, listening on 127.0.0.1 at a random port. */
export async function startBenchApp(): Promise<BenchApp> {
  const t = await createTestApp();
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return { t, baseUrl: `http://127.0.0.1:${port}`, close: () => t.close() };
}

const WORDS = [
  'Alpine',
  'Harbour',
  'Cedar',
  'Granite',
  'Meridian',
  'Summit',
  'Lakeside',
  'Beacon',
  'Orchard',
  'Falcon',
];
const KINDS = ['Dental', 'Logistics', 'Pharmacy', 'Legal', 'Clinic', 'Studio', 'Bakery', 'Motors', 'Schools', 'Labs'];

/**
 * Inserts `count` organizations named "Org <n> <word> <kind>" in one
 * transaction with multi-row statements: seconds for the factories, well
 * under one here.
 */
export async function generateOrganizations(t: { app: INestApplicationContext }, count: number): Promise<void> {
  const em = t.app.get(EntityManager).fork();
  const now = Date.now();
  const perStatement = 500; // 5 parameters a row, far below SQLite's variable limit
  await em.transactional(async (tx) => {
    for (let start = 1; start <= count; start += perStatement) {
      const end = Math.min(count, start + perStatement - 1);
      const values: string[] = [];
      const params: unknown[] = [];
      for (let n = start; n <= end; n++) {
        const name = `Org ${n} ${WORDS[n % 10]} ${KINDS[(n >> 3) % 10]}`;
        values.push('(?, ?, ?, ?, ?)');
        params.push(randomUUID(), now - n * 1000, now - n * 1000, name, organizationNameKey(name));
      }
      await tx.execute(
        `insert into organizations (id, created_at, updated_at, name, name_key) values ${values.join(', ')}`,
        params,
      );
    }
  });
}

/** The Set-Cookie pairs of a response as `name=value`. */
function cookiePairs(res: Response): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const header of res.headers.getSetCookie()) {
    const pair = header.split(';')[0];
    const eq = pair.indexOf('=');
    pairs.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return pairs;
}

/**
 * Signs a new operator in through the real form (GET /login for the token,
 * POST /login) and returns the Cookie header a browser would then send.
 */
export async function signInOperator(app: BenchApp): Promise<string> {
  const operator = await createOperator(app.t);
  return signInAt(app.baseUrl, operator.email, operator.password);
}

/** Signs in at any SeatDesk (in this process or not) and returns the Cookie header. */
export async function signInAt(baseUrl: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${baseUrl}/login`, { redirect: 'manual' });
  const html = await form.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const csrfCookie = cookiePairs(form).get('sd_csrf');
  if (!csrf || !csrfCookie) throw new Error(`GET /login gave no CSRF token (status ${form.status})`);

  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `sd_csrf=${csrfCookie}` },
    body: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
  });
  const session = cookiePairs(res).get('sd_session');
  if (res.status !== 303 || !session) throw new Error(`POST /login answered ${res.status} without a session`);
  return `sd_session=${session}; sd_csrf=${csrfCookie}`;
}

/** GETs a page as the signed-in person; fails unless it is a 200. */
export async function getPage(app: Pick<BenchApp, 'baseUrl'>, path: string, cookie: string): Promise<string> {
  const res = await fetch(`${app.baseUrl}${path}`, { headers: { cookie }, redirect: 'manual' });
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  return res.text();
}

/** The path of the page's rel="next" link, or null on the last page. */
export function nextLink(html: string): string | null {
  const href = /<a class="page-link" href="([^"]+)" rel="next"/.exec(html)?.[1];
  return href ? decodeEntities(href) : null;
}

/** The first cell of each table row: the organization names on a list page. */
export function firstColumn(html: string): string[] {
  return [...html.matchAll(/<tr>\s*<td><a [^>]*>([^<]*)<\/a><\/td>/g)].map((m) => decodeEntities(m[1]));
}

// Handlebars escapes = and ` as well as the usual five.
function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface RouteFigures {
  route: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  /** Requests measured per route (bounded, so a run always ends). */
  amount: number;
  /** Or seconds measured per route, when set (amount and warmup are then ignored). */
  seconds?: number;
  warmupSeconds?: number;
  connections: number;
  /** Requests sent first and not measured: caches, JIT, the SQLite page cache. */
  warmup: number;
}

export const DEFAULT_LOAD: LoadOptions = {
  amount: Number(process.env.BENCH_AMOUNT ?? 2000),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  warmup: Number(process.env.BENCH_WARMUP ?? 200),
};

/**
 * Runs autocannon against one path. The load comes from a worker thread so
 * it does not compete with the server for this process's event loop.
 */
export async function measure(
  app: Pick<BenchApp, 'baseUrl'>,
  path: string,
  cookie: string,
  load: LoadOptions = DEFAULT_LOAD,
): Promise<RouteFigures> {
  // autocannon notices the last response only at its next sample tick, and
  // reports that as the duration: tick often, or req/s is rounded down to
  // "amount / whole seconds".
  const base = {
    url: `${app.baseUrl}${path}`,
    headers: { cookie },
    connections: load.connections,
    workers: 1,
    sampleInt: 25,
  };
  if (load.seconds) {
    if (load.warmupSeconds) await autocannon({ ...base, duration: load.warmupSeconds });
  } else if (load.warmup > 0) await autocannon({ ...base, amount: load.warmup });
  const result = await autocannon(
    load.seconds ? { ...base, duration: load.seconds } : { ...base, amount: load.amount },
  );
  const completed = result.latency.totalCount ?? result.requests.total ?? 0;
  return {
    route: path,
    requests: completed,
    rps: result.duration > 0 ? completed / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Prints the figures as a fixed-width table, and a warning for any failed request. */
export function printTable(title: string, rows: RouteFigures[]): void {
  const header = ['route', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'];
  const cells = rows.map((r) => [
    shorten(r.route, 60),
    String(r.requests),
    r.rps.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.non2xx),
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  for (const r of rows) {
    if (r.non2xx > 0 || r.errors > 0) {
      console.warn(`WARNING: ${r.route} had ${r.non2xx} non-2xx responses and ${r.errors} errors/timeouts`);
    }
  }
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Wall time of `work` in milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await work();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

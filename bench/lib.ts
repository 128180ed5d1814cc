import { organizationNameKey } from '../src/modules/organizations/organization-name';
import { EntityManager } from '@mikro-orm/better-sqlite';
import type { INestApplicationContext } from '@nestjs/common';
import autocannon from 'autocannon';
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOperator, createTestApp, type TestApp } from '../test/utils/test-app';
import { printQueryTimes, printScaledComparison, type ScaledRow } from './compare';

// Shared by the bench/*.bench.ts scripts: an app on a temporary data
// directory (the test starter, so the real AppModule and migrations), data
// generators, a signed-in session and an autocannon runner; SeatDesk built
// and started as a server process on its own core, a browser's cookie, the
// server's CPU per request, and the side-by-side run of SeatDesk and its floor
// at several scales (runSideBySide). Benchmarks print figures; they never
// assert on time (timing is not a test).

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

/** One row per column list: multi-row INSERTs of up to 500 rows (under SQLite's limit of variables). */
export class BulkInsert {
  private readonly statements = new Map<number, Statement>();
  private readonly pending: unknown[][] = [];
  private readonly perStatement: number;
  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly columns: string[],
  ) {
    this.perStatement = Math.min(500, Math.floor(30_000 / columns.length));
  }
  add(row: unknown[]): void {
    this.pending.push(row);
    if (this.pending.length === this.perStatement) this.flush();
  }
  flush(): void {
    if (this.pending.length === 0) return;
    const n = this.pending.length;
    let statement = this.statements.get(n);
    if (!statement) {
      const one = `(${this.columns.map(() => '?').join(', ')})`;
      statement = this.db.prepare(
        `insert into ${this.table} (${this.columns.join(', ')}) values ${Array(n).fill(one).join(', ')}`,
      );
      this.statements.set(n, statement);
    }
    statement.run(...this.pending.flat());
    this.pending.length = 0;
  }
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

// SeatDesk and its floor as server processes: the server core for them, the client core for the load.

export const ROOT = join(__dirname, '..');
export const SECRET = 'bench-secret-for-the-hot-path-0123456789abcdef';

export const LOAD = {
  amount: 0,
  warmup: 0,
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 1),
};
// SeatDesk runs as `npm start` runs it: the node options of that script,
// plus BENCH_NODE_FLAGS (space-separated) to try others.
const START_SCRIPT = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
  .scripts.start;
export const NODE_FLAGS = [
  ...START_SCRIPT.split(/\s+/).filter((word) => word.startsWith('--')),
  ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
];
export const SERVER_CORE = '1';
export const CLIENT_CORE = '0';

export interface Server {
  name: string;
  baseUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** A server process on the server core, ready once `probe` answers at all. */
export async function start(name: string, args: string[], env: Record<string, string>, probe: string): Promise<Server> {
  const port = await freePort();
  const child = spawn('taskset', ['-c', SERVER_CORE, process.execPath, ...args], {
    cwd: ROOT,
    // Logs go nowhere, as cheaply as possible; errors are kept for the report.
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`${name} did not answer within 60 s: ${stderr}`);
    try {
      await fetch(`${baseUrl}${probe}`, { redirect: 'manual' });
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    name,
    baseUrl,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// The CSRF token is the one part of a page that may differ between two answers.
const withoutCsrf = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value="…"');
const HEADERS_THAT_VARY = new Set(['date', 'connection', 'keep-alive', 'content-length', 'set-cookie']);

/** Whether both servers answer `path` with the same page (and which headers only one sends). */
export async function compare(app: Server, floor: Server, path: string, cookie: string): Promise<string> {
  const [a, b] = await Promise.all(
    [app, floor].map((s) => fetch(`${s.baseUrl}${path}`, { headers: { cookie }, redirect: 'manual' })),
  );
  const [htmlA, htmlB] = await Promise.all([a.text(), b.text()]);
  const headersOf = (res: Response) => {
    const kept = new Map<string, string>();
    res.headers.forEach((value, name) => (HEADERS_THAT_VARY.has(name) ? undefined : kept.set(name, value)));
    return kept;
  };
  const [headersA, headersB] = [headersOf(a), headersOf(b)];
  const onlyA = [...headersA].filter(([n, v]) => headersB.get(n) !== v).map(([n]) => n);
  const onlyB = [...headersB].filter(([n, v]) => headersA.get(n) !== v).map(([n]) => n);
  const headerNote =
    onlyA.length || onlyB.length
      ? `; headers differing: SeatDesk ${onlyA.join(', ') || '-'}, floor ${onlyB.join(', ') || '-'}`
      : '; same headers';
  if (a.status !== 200 || b.status !== 200) return `DIFFERENT: status ${a.status} vs ${b.status}`;
  const [pageA, pageB] = [withoutCsrf(htmlA), withoutCsrf(htmlB)];
  if (pageA === pageB) return `same ${Buffer.byteLength(htmlA)} bytes apart from the CSRF token${headerNote}`;
  let at = 0;
  while (at < pageA.length && pageA[at] === pageB[at]) at++;
  const around = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 60), at + 60));
  return `DIFFERENT at byte ${at}: SeatDesk ${around(pageA)} / floor ${around(pageB)}${headerNote}`;
}

/** The Cookie header of a browser that has seen one page since signing in (its CSRF cookie is current). */
export async function browserCookie(app: Server, email: string, password: string): Promise<string> {
  const cookie = await signInAt(app.baseUrl, email, password);
  const res = await fetch(`${app.baseUrl}/dashboard`, { headers: { cookie }, redirect: 'manual' });
  await res.text();
  const csrf = res.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .find((pair) => pair.startsWith('sd_csrf='));
  return csrf ? cookie.replace(/sd_csrf=[^;]*/, csrf) : cookie;
}

/** CPU time (user + system) a process has used, ms; /proc counts in ticks of 10 ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export type Figures = RouteFigures & { cpuPerRequest: number };

/**
 * measure(), plus the server's CPU time per answered request (µs): steadier than req/s on a busy machine.
 * `load` counts seconds (LOAD) or, without `seconds`, requests (`warmup` then `amount`).
 */
export async function measureWithCpu(
  server: Server,
  route: string,
  cookie: string,
  load: LoadOptions = LOAD,
): Promise<Figures> {
  if (load.seconds && load.warmupSeconds)
    await measure(server, route, cookie, { ...load, seconds: load.warmupSeconds, warmupSeconds: 0 });
  else if (!load.seconds && load.warmup > 0)
    await measure(server, route, cookie, { ...load, amount: load.warmup, warmup: 0 });
  const before = cpuMs(server.child.pid!);
  const figures = await measure(server, route, cookie, { ...load, warmupSeconds: 0, warmup: 0 });
  return { ...figures, cpuPerRequest: ((cpuMs(server.child.pid!) - before) * 1000) / Math.max(1, figures.requests) };
}

/** This process and every thread it starts (autocannon's worker) on the client core; then `dist/` built. */
export function pinClientAndBuild(): void {
  spawnSync('taskset', ['-a', '-p', '-c', CLIENT_CORE, String(process.pid)], { stdio: 'ignore' });
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('npm run build failed');
}

export const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** What a scale's seeding hands the side-by-side run. */
export interface SeededBase {
  databasePath: string;
  /** The app's navigation (the modules' and plugins'), for the floor. */
  nav: unknown[];
  timeZone: string;
  seconds: number;
}

export interface ScaledRoute {
  key: string;
  label: string;
  path: string;
}

/** A statement a route runs, as its repository builds it; `index`: the one it must use, when named. */
export interface RouteQuery {
  route: string;
  sql: string;
  params: unknown[];
  index?: string;
}

export interface SideBySideServers<D> {
  app: Server;
  floor: Server;
  seeded: D;
  cookie: string;
}

/** A bench of SeatDesk against its floor (bench/floor.ts) on the same database, at each scale. */
export interface SideBySide<S extends { label: string }, D extends SeededBase> {
  /** The first words of the first line ("devices", "billing history"). */
  title: string;
  /** The table's first column (what the scales count). */
  unit: string;
  scales: readonly S[];
  load: LoadOptions;
  /** Every route of both servers asked 500 times first, so the first route measured does not carry the warm-up. */
  warmUpPass?: boolean;
  /** The SQL alone: the mean of 500 runs, or the fastest of five batches of 100 (steadier on a shared box). */
  queryTiming: 'mean' | 'fastest';
  seed(dataDir: string, scale: S): Promise<D>;
  /** The line printed once a scale is seeded. */
  describe(scale: S, seeded: D): string;
  /** Who is signed in for the pages. */
  signIn(seeded: D): { email: string; password: string };
  routes(seeded: D): ScaledRoute[];
  queries(seeded: D): RouteQuery[];
  /** The heading of EXPLAIN QUERY PLAN (at the largest scale) and each statement's line above its plan. */
  planTitle(scale: S): string;
  planLine(query: RouteQuery, plan: { detail: string }[]): string;
  /** More environment for the floor. */
  floorEnv?(seeded: D): Record<string, string>;
  /** After the routes' pages are compared: more pages to compare (another role's, say). */
  alsoCompare?(servers: SideBySideServers<D>): Promise<void>;
  /** After the comparison table, before the SQL times. */
  afterTable?(rows: ScaledRow[]): void;
}

/** EXPLAIN QUERY PLAN of each statement, each under the bench's own line for it. */
export function printPlans(
  databasePath: string,
  title: string,
  queries: RouteQuery[],
  line: SideBySide<{ label: string }, SeededBase>['planLine'],
): void {
  const db = new Database(databasePath, { readonly: true });
  try {
    console.log(`\nEXPLAIN QUERY PLAN at ${title}:`);
    for (const q of queries) {
      const plan = db.prepare(`explain query plan ${q.sql}`).all(...q.params) as { detail: string }[];
      console.log(`  ${line(q, plan)}`);
      for (const step of plan) console.log(`    ${step.detail}`);
    }
  } finally {
    db.close();
  }
}

/**
 * µs per execution of each statement alone (prepared once, in this process):
 * the mean of 500 runs after 50, or the fastest of five batches of 100 after
 * 50 (a batch the scheduler interrupted on a shared box says little).
 */
export function timeQueries(databasePath: string, queries: RouteQuery[], how: 'mean' | 'fastest'): number[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return queries.map((q) => {
      const statement = db.prepare(q.sql);
      for (let i = 0; i < 50; i++) statement.all(...q.params);
      if (how === 'mean') {
        const started = process.hrtime.bigint();
        for (let i = 0; i < 500; i++) statement.all(...q.params);
        return Number(process.hrtime.bigint() - started) / 1e3 / 500;
      }
      let fastest = Infinity;
      for (let batch = 0; batch < 5; batch++) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < 100; i++) statement.all(...q.params);
        fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e3 / 100);
      }
      return fastest;
    });
  } finally {
    db.close();
  }
}

/**
 * The side-by-side loop: per scale a new data directory, seeded; SeatDesk
 * (dist/) and the floor started on the server core; the pages compared byte
 * for byte (but the CSRF token); EXPLAIN QUERY PLAN at the largest scale; the
 * SQL alone; then each route measured on both servers. Prints the scaled
 * comparison and the SQL times; returns the rows.
 */
export async function runSideBySide<S extends { label: string }, D extends SeededBase>(
  bench: SideBySide<S, D>,
): Promise<ScaledRow[]> {
  const load = bench.load;
  pinClientAndBuild();
  console.log(
    `${bench.title}: SeatDesk (dist/) and its floor (bench/floor.ts) on core ${SERVER_CORE}, autocannon on core ` +
      `${CLIENT_CORE}; ${load.connections} connections, ` +
      (load.seconds
        ? `${load.seconds} s per route after ${load.warmupSeconds} s of warm-up`
        : `${load.amount} requests per route after ${load.warmup} of warm-up`) +
      `; load average ${loadAverage()}; figures only, not a pass/fail test.`,
  );
  const rows: ScaledRow[] = [];
  const times: { scale: string; micros: number[] }[] = [];
  let queries: { route: string }[] = [];
  for (const scale of bench.scales) {
    const dataDir = mkdtempSync(join(tmpdir(), 'seatdesk-bench-'));
    const servers: Server[] = [];
    try {
      const seeded = await bench.seed(dataDir, scale);
      console.log(`\n${bench.describe(scale, seeded)}`);
      // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of SeatDesk per scale there.
      const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
      // BENCH_FLOOR_CPU_PROF=<dir>: the same for the floor.
      const floorProfile = process.env.BENCH_FLOOR_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_FLOOR_CPU_PROF}`]
        : [];
      const app = await start(
        'SeatDesk',
        [...NODE_FLAGS, ...profile, 'dist/src/main.js'],
        { DATA_DIR: dataDir, APP_SECRET: SECRET },
        '/healthz',
      );
      servers.push(app);
      const floor = await start(
        'floor',
        [...floorProfile, '-r', 'ts-node/register/transpile-only', 'bench/floor.ts'],
        {
          DATABASE_PATH: seeded.databasePath,
          APP_SECRET: SECRET,
          FLOOR_NAV: JSON.stringify(seeded.nav),
          FLOOR_TIME_ZONE: seeded.timeZone,
          ...bench.floorEnv?.(seeded),
        },
        '/',
      );
      servers.push(floor);
      const who = bench.signIn(seeded);
      const cookie = await browserCookie(app, who.email, who.password);
      const routes = bench.routes(seeded);
      for (const route of routes) console.log(`  ${route.label}: ${await compare(app, floor, route.path, cookie)}`);
      await bench.alsoCompare?.({ app, floor, seeded, cookie });
      queries = bench.queries(seeded);
      if (scale === bench.scales[bench.scales.length - 1]) {
        printPlans(seeded.databasePath, bench.planTitle(scale), bench.queries(seeded), bench.planLine);
      }
      times.push({
        scale: scale.label,
        micros: timeQueries(seeded.databasePath, bench.queries(seeded), bench.queryTiming),
      });
      if (bench.warmUpPass) {
        // A fresh server spends its first thousand requests or so warming up (JIT, caches): every route of
        // both servers is asked first, so the first route measured does not carry that alone.
        for (const server of [app, floor]) {
          for (const route of routes) await measure(server, route.path, cookie, { ...load, amount: 500, warmup: 0 });
        }
      }
      for (const route of routes) {
        rows.push({
          key: route.key,
          scale: scale.label,
          route: route.label,
          app: await measureWithCpu(app, route.path, cookie, load),
          floor: await measureWithCpu(floor, route.path, cookie, load),
        });
      }
    } finally {
      for (const server of servers) await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  printScaledComparison(
    bench.unit,
    bench.scales.map((s) => s.label),
    rows,
  );
  bench.afterTable?.(rows);
  printQueryTimes(times, queries);
  if (bench.queryTiming === 'fastest') console.log('(each: the fastest of five batches of 100)');
  console.log(`\nload average at the end: ${loadAverage()}`);
  return rows;
}

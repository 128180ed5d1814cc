import { EntityManager } from '@mikro-orm/better-sqlite';
import { openSqlite } from '../src/cli/sqlite-file';
import { encodeCursor } from '../src/common/pagination';
import { TEST_START } from '../test/utils/test-app';
import { generateAuditEntries } from './audit-data';
import {
  DEFAULT_LOAD,
  generateOrganizations,
  getPage,
  measure,
  nextLink,
  printTable,
  signInOperator,
  startBenchApp,
  timed,
  type BenchApp,
  type RouteFigures,
} from './lib';

// /admin/audit at 10,000 and at 1,000,000 entries, each on its own app and
// database: the first page, a page near the oldest entry (an `after=` cursor
// built for an id near the bottom) and a filtered page (one actor's failed
// sign-ins), plus an action prefix and a one-month range. Keyset pages over
// matching indexes should cost the same at both sizes: the table ends with the
// ratio 1M / 10k per page (target under 1.5). About two and a half minutes.

const SMALL = Number(process.env.BENCH_AUDIT_SMALL ?? 10_000);
const LARGE = Number(process.env.BENCH_AUDIT_LARGE ?? 1_000_000);
const ORGANIZATIONS = 200;

// The statements a page runs, captured from the app's EntityManager so their
// plans can be shown exactly as SQLite runs them.
const captured: { sql: string; params: unknown[] }[] = [];
let capturing = false;
const proto = EntityManager.prototype as unknown as { execute: (...args: unknown[]) => Promise<unknown> };
const execute = proto.execute;
proto.execute = function (this: unknown, ...args: unknown[]) {
  if (capturing) captured.push({ sql: String(args[0]), params: (args[1] as unknown[]) ?? [] });
  return execute.apply(this, args);
};

async function plansOf(app: BenchApp, path: string, cookie: string): Promise<string[]> {
  captured.length = 0;
  capturing = true;
  try {
    await getPage(app, path, cookie);
  } finally {
    capturing = false;
  }
  const db = openSqlite(app.t.config.databasePath, { readonly: true, fileMustExist: true });
  try {
    return captured
      .filter((q) => /from audit_entries/.test(q.sql))
      .map((q) => {
        const steps = db.prepare(`explain query plan ${q.sql}`).all(...q.params) as { detail: string }[];
        return `${q.sql.replace(/\s+/g, ' ').trim()}\n      params ${JSON.stringify(q.params)}\n${steps.map((s) => `      ${s.detail}`).join('\n')}`;
      });
  } finally {
    db.close();
  }
}

const entryIds = (html: string) => [...html.matchAll(/<tr data-entry-id="(\d+)">/g)].map((m) => Number(m[1]));

interface Prepared {
  size: number;
  app: BenchApp;
  cookie: string;
  routes: Record<string, string>;
}

async function prepare(size: number): Promise<Prepared> {
  const app = await startBenchApp();
  await generateOrganizations(app.t, ORGANIZATIONS);
  const orgIds = (
    await app.t.app.get(EntityManager).fork().execute<{ id: string }[]>('select id from organizations')
  ).map((row) => row.id);
  const [data, insertMs] = await timed(async () =>
    generateAuditEntries(app.t.config.databasePath, { count: size, organizationIds: orgIds, end: TEST_START - 60_000 }),
  );
  const cookie = await signInOperator(app);

  // Follow Next a few times, as a person would, checking each page moves on.
  let path = '/admin/audit';
  let previous: number[] = [];
  for (let i = 0; i < 20; i++) {
    const html = await getPage(app, path, cookie);
    const ids = entryIds(html);
    if (ids.length !== 50 || ids.some((id) => previous.includes(id))) throw new Error(`Page ${i + 1} did not advance`);
    previous = ids;
    path = nextLink(html) ?? '';
  }
  const routes = {
    first: '/admin/audit',
    // The 50 entries just above the oldest ten: as deep as the log goes.
    deep: `/admin/audit?after=${encodeCursor([data.firstId + 60])}`,
    filtered: `/admin/audit?action=auth.login.failed&actor=${encodeURIComponent(data.attackedActor)}`,
    prefix: '/admin/audit?action=device.',
    month: '/admin/audit?from=2026-06-01&to=2026-06-30',
  };
  for (const [name, route] of Object.entries(routes)) {
    const ids = entryIds(await getPage(app, route, cookie));
    if (ids.length !== 50) throw new Error(`${name} page shows ${ids.length} entries, not 50: ${route}`);
  }
  console.log(
    `${size.toLocaleString('en')} audit entries (ids ${data.firstId}–${data.lastId}) written in ${(insertMs / 1000).toFixed(1)} s.`,
  );
  return { size, app, cookie, routes };
}

const median = (figures: RouteFigures[]) => [...figures].sort((a, b) => a.rps - b.rps)[Math.floor(figures.length / 2)];
const k = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

export async function run(): Promise<void> {
  const small = await prepare(SMALL);
  let large: Prepared | undefined;
  try {
    large = await prepare(LARGE);

    console.log(`\nQuery plans at ${k(LARGE)} entries (the statements each page ran on audit_entries):`);
    for (const name of ['first', 'deep', 'filtered', 'prefix', 'month']) {
      console.log(`  ${name}: ${large.routes[name]}`);
      // The action suggestions (a loose index scan) run on every page: shown once.
      const plans = await plansOf(large.app, large.routes[name], large.cookie);
      for (const plan of name === 'first' ? plans : plans.slice(1)) console.log(`    ${plan}`);
    }

    // Both databases are served at once and measured in alternating rounds,
    // so a busy moment on the machine weighs on both sizes alike; the median
    // round of each counts.
    const rounds = Number(process.env.BENCH_AUDIT_ROUNDS ?? 3);
    const load = { ...DEFAULT_LOAD, amount: Math.ceil(DEFAULT_LOAD.amount / rounds), warmup: 0 };
    console.log(
      `\n${rounds} rounds of ${load.amount} requests per page and size over ${load.connections} connections, ` +
        `after ${DEFAULT_LOAD.warmup} warm-up requests.`,
    );
    const results: Record<string, [RouteFigures, RouteFigures]> = {};
    for (const name of Object.keys(small.routes)) {
      for (const side of [small, large]) {
        await measure(side.app, side.routes[name], side.cookie, { ...load, amount: DEFAULT_LOAD.warmup });
      }
      const runs: [RouteFigures[], RouteFigures[]] = [[], []];
      for (let round = 0; round < rounds; round++) {
        runs[0].push(await measure(small.app, small.routes[name], small.cookie, load));
        runs[1].push(await measure(large.app, large.routes[name], large.cookie, load));
      }
      results[name] = [median(runs[0]), median(runs[1])];
    }
    for (const [i, side] of [small, large].entries()) {
      const title = `/admin/audit at ${side.size.toLocaleString('en')} entries, median round (figures only, not a pass/fail test)`;
      printTable(
        title,
        Object.values(results).map((pair) => pair[i]),
      );
    }

    const header = [
      'page',
      `p50 ${k(SMALL)}`,
      `p50 ${k(LARGE)}`,
      `req/s ${k(SMALL)}`,
      `req/s ${k(LARGE)}`,
      `${k(LARGE)}/${k(SMALL)}`,
    ];
    const rows = Object.entries(results).map(([name, [a, b]]) => {
      // Time per request at the large size over the small one.
      const ratio = a.rps / b.rps;
      return [
        name,
        a.p50.toFixed(1),
        b.p50.toFixed(1),
        a.rps.toFixed(0),
        b.rps.toFixed(0),
        `${ratio.toFixed(2)}${ratio < 1.5 ? '' : '  over 1.5'}`,
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(
      `\n/admin/audit, ${k(LARGE)} entries against ${k(SMALL)}: ratio of time per request (target under 1.5)`,
    );
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) console.log(line(row));
  } finally {
    await small.app.close();
    await large?.app.close();
  }
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

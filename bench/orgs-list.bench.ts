import {
  DEFAULT_LOAD,
  generateOrganizations,
  firstColumn,
  getPage,
  measure,
  nextLink,
  printTable,
  signInOperator,
  startBenchApp,
  timed,
  type RouteFigures,
} from './lib';

// The operator's organization list over 10,000 organizations: the first
// page, a text search and a page 50 Next-clicks deep (keyset, so it should
// cost what the first page costs), with the dashboard as the baseline.

const ORGANIZATIONS = Number(process.env.BENCH_ORGS ?? 10_000);
const DEPTH = 50;

export async function run(): Promise<void> {
  const app = await startBenchApp();
  try {
    const [, insertMs] = await timed(() => generateOrganizations(app.t, ORGANIZATIONS));
    const cookie = await signInOperator(app);

    // Follow Next as a person would, and check each page really moved on.
    let deep = '/admin/organizations';
    let previousFirst = '';
    let rowsSeen = 0;
    for (let i = 0; i < DEPTH; i++) {
      const html = await getPage(app, deep, cookie);
      const names = firstColumn(html);
      if (names.length === 0 || names[0] === previousFirst) throw new Error(`Page ${i + 1} did not advance: ${deep}`);
      previousFirst = names[0];
      rowsSeen += names.length;
      const next = nextLink(html);
      if (!next) throw new Error(`No Next link after ${i + 1} pages`);
      deep = next;
    }
    const deepRows = firstColumn(await getPage(app, deep, cookie));

    console.log(
      `organizations list: ${ORGANIZATIONS} organizations inserted in ${insertMs.toFixed(0)} ms; ` +
        `${DEFAULT_LOAD.amount} requests per route over ${DEFAULT_LOAD.connections} connections ` +
        `after ${DEFAULT_LOAD.warmup} warm-up requests.\n` +
        `Deep page: ${DEPTH} Next clicks in, rows ${rowsSeen + 1}–${rowsSeen + deepRows.length}, starting at “${deepRows[0]}”. ` +
        `"Org 12" matches early in name order; "Org 9999" has one match, so its search reads the whole table.`,
    );
    const routes = [
      '/dashboard',
      '/admin/organizations',
      '/admin/organizations?q=Org+12',
      deep,
      '/admin/organizations?q=Org+9999',
    ];
    const rows: RouteFigures[] = [];
    for (const route of routes) rows.push(await measure(app, route, cookie));
    printTable('organizations list (figures only, not a pass/fail test)', rows);
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPerson } from '../seeds/factories';
import { AppModule } from '../src/app.module';
import { loadAppConfig } from '../src/config/app.config';
import { JobRegistry } from '../src/platform/jobs/job-registry';
import { MODULE_CATALOG } from '../src/platform/module-host/module-catalog';
import { PluginRegistry } from '../src/platform/plugin-host/plugin-registry';
import { warnAboutFailures } from './compare';
import {
  browserCookie,
  CLIENT_CORE,
  compare,
  generateOrganizations,
  LOAD,
  measureWithCpu,
  NODE_FLAGS,
  pinClientAndBuild,
  SECRET,
  SERVER_CORE,
  start,
  type Figures,
  type Server,
} from './lib';

// SeatDesk against its floor (bench/floor.ts: node:http, prepared statements,
// templates compiled once) on the same database file, at 1× (100
// organizations) and 100× (10,000). Each server runs alone on core 1
// (taskset), the load generator (this process) on core 0. Ratios are the
// figures to read: absolute ones drift on a shared machine. Not a pass/fail
// test.

// BENCH_ORGANIZATIONS=100 runs one scale only.
const SCALES = [
  { label: '1×', organizations: 100 },
  { label: '100×', organizations: 10_000 },
].filter(
  (s) =>
    !process.env.BENCH_ORGANIZATIONS || process.env.BENCH_ORGANIZATIONS.split(',').includes(String(s.organizations)),
);
const ROUTES = ['/admin/organizations', '/dashboard'];

/** Migrations, an operator and `count` organizations in a new data directory; the app's navigation. */
async function seed(dataDir: string, count: number) {
  const config = loadAppConfig({ DATA_DIR: dataDir, APP_SECRET: SECRET, LOG_LEVEL: 'silent', JOBS: 'off' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { http: false }), {
    logger: false,
  });
  try {
    const operator = await createPerson(app, { role: 'operator' });
    await generateOrganizations({ app }, count);
    const nav = [...MODULE_CATALOG.nav, ...app.get(PluginRegistry).navItems()];
    const jobs = app
      .get(JobRegistry, { strict: false })
      .list()
      .map(({ spec }) => spec.name);
    return { operator, nav, jobs, databasePath: config.databasePath };
  } finally {
    await app.close();
  }
}

/** Resident set size of a process, MiB. */
function rssMiB(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) / 1024 : NaN;
}

interface Row {
  scale: string;
  route: string;
  app: Figures;
  floor: Figures;
}

function printComparison(rows: Row[]): void {
  const header = [
    'scale',
    'route',
    'SeatDesk req/s',
    'p50',
    'p99',
    'CPU µs/req',
    'floor req/s',
    'p50',
    'p99',
    'CPU µs/req',
    'floor/SeatDesk req/s',
    'CPU',
  ];
  const cells = rows.map((r) => [
    r.scale,
    r.route,
    r.app.rps.toFixed(0),
    r.app.p50.toFixed(1),
    r.app.p99.toFixed(1),
    r.app.cpuPerRequest.toFixed(0),
    r.floor.rps.toFixed(0),
    r.floor.p50.toFixed(1),
    r.floor.p99.toFixed(1),
    r.floor.cpuPerRequest.toFixed(0),
    `${(r.floor.rps / r.app.rps).toFixed(2)}×`,
    `${(r.app.cpuPerRequest / r.floor.cpuPerRequest).toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const c of cells) console.log(line(c));
  console.log("(latencies in ms; CPU: the server process's user + system time per answered request)");
  warnAboutFailures(rows);
}

export async function run(): Promise<void> {
  pinClientAndBuild();

  console.log(
    `hot path: SeatDesk (node ${[...NODE_FLAGS, 'dist/src/main.js'].join(' ')}, default settings) and its floor ` +
      `(bench/floor.ts) on core ${SERVER_CORE}, ` +
      `autocannon on core ${CLIENT_CORE}; ${LOAD.connections} connections, ${LOAD.seconds} s per route after ` +
      `${LOAD.warmupSeconds} s of warm-up; figures only, not a pass/fail test.`,
  );
  const rows: Row[] = [];
  for (const scale of SCALES) {
    const dataDir = mkdtempSync(join(tmpdir(), 'seatdesk-bench-'));
    const servers: Server[] = [];
    try {
      const { operator, nav, jobs, databasePath } = await seed(dataDir, scale.organizations);
      // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of SeatDesk per scale there.
      const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
      const app = await start(
        'SeatDesk',
        [...NODE_FLAGS, ...profile, 'dist/src/main.js'],
        { DATA_DIR: dataDir, APP_SECRET: SECRET },
        '/healthz',
      );
      servers.push(app);
      const floor = await start(
        'floor',
        ['-r', 'ts-node/register/transpile-only', 'bench/floor.ts'],
        {
          DATABASE_PATH: databasePath,
          APP_SECRET: SECRET,
          FLOOR_NAV: JSON.stringify(nav),
          FLOOR_JOBS: JSON.stringify(jobs),
        },
        '/',
      );
      servers.push(floor);
      const cookie = await browserCookie(app, operator.email, operator.password);

      console.log(`\n${scale.label}: ${scale.organizations} organizations`);
      for (const route of ROUTES) console.log(`  ${route}: ${await compare(app, floor, route, cookie)}`);
      if (scale === SCALES[0]) {
        for (let i = 0; i < 20; i++)
          for (const route of ROUTES) await (await fetch(`${app.baseUrl}${route}`, { headers: { cookie } })).text();
        // Right after boot V8's young generation is still at the size start-up
        // grew it to; its memory reducer shrinks it after some seconds of quiet.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const soon = rssMiB(app.child.pid!);
        await new Promise((resolve) => setTimeout(resolve, 18_000));
        console.log(
          `  SeatDesk idle RSS after boot and ${20 * ROUTES.length} pages: ${soon.toFixed(0)} MiB 2 s later, ` +
            `${rssMiB(app.child.pid!).toFixed(0)} MiB 20 s later`,
        );
      }
      for (const route of ROUTES) {
        rows.push({
          scale: scale.label,
          route,
          app: await measureWithCpu(app, route, cookie),
          floor: await measureWithCpu(floor, route, cookie),
        });
      }
      console.log(`  SeatDesk RSS after the load: ${rssMiB(app.child.pid!).toFixed(0)} MiB`);
    } finally {
      for (const server of servers) await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  printComparison(rows);
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

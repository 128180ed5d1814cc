import { NestFactory } from '@nestjs/core';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPerson } from '../seeds/factories';
import { AppModule } from '../src/app.module';
import { loadAppConfig } from '../src/config/app.config';
import { JobRegistry } from '../src/platform/jobs/job-registry';
import { MODULE_CATALOG } from '../src/platform/module-host/module-catalog';
import { PluginRegistry } from '../src/platform/plugin-host/plugin-registry';
import { generateOrganizations, measure, signInAt, type LoadOptions, type RouteFigures } from './lib';

// SeatDesk against its floor (bench/floor.ts: node:http, prepared statements,
// templates compiled once) on the same database file, at 1× (100
// organizations) and 100× (10,000). Each server runs alone on core 1
// (taskset), the load generator (this process) on core 0. Ratios are the
// figures to read: absolute ones drift on a shared machine. Not a pass/fail
// test.

export const ROOT = join(__dirname, '..');
export const SECRET = 'bench-secret-for-the-hot-path-0123456789abcdef';
// BENCH_ORGANIZATIONS=100 runs one scale only.
const SCALES = [
  { label: '1×', organizations: 100 },
  { label: '100×', organizations: 10_000 },
].filter(
  (s) =>
    !process.env.BENCH_ORGANIZATIONS || process.env.BENCH_ORGANIZATIONS.split(',').includes(String(s.organizations)),
);
const ROUTES = ['/admin/organizations', '/dashboard'];
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

/** Resident set size of a process, MiB. */
function rssMiB(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) / 1024 : NaN;
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

/** This process and every thread it starts (autocannon's worker) on the client core; then `dist/` built. */
export function pinClientAndBuild(): void {
  spawnSync('taskset', ['-a', '-p', '-c', CLIENT_CORE, String(process.pid)], { stdio: 'ignore' });
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('npm run build failed');
}

/** Says which measured routes got answers other than 2xx (their figures mean little). */
export function warnAboutFailures(rows: { scale: string; app: RouteFigures; floor: RouteFigures }[]): void {
  for (const r of rows) {
    for (const f of [r.app, r.floor]) {
      if (f.non2xx > 0 || f.errors > 0) {
        console.warn(`WARNING: ${r.scale} ${f.route} had ${f.non2xx} non-2xx answers and ${f.errors} errors/timeouts`);
      }
    }
  }
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

import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { Agent, request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLicense, createOrganization, createPerson, createProduct } from '../seeds/factories';
import { AppModule } from '../src/app.module';
import { loadAppConfig } from '../src/config/app.config';
import { applyPragmas } from '../src/platform/database/orm.config';
import { CLIENT_CORE, NODE_FLAGS, pinClientAndBuild, SECRET, SERVER_CORE, start, type Server } from './lib';

// The device agent API under 20 concurrent agents: each activates new
// fingerprints (POST /api/v1/activations) with one of LICENSES product keys,
// then sends heartbeats with the tokens it got; then 20 agents race for the
// last seats of one license. The server runs alone on core 1 (ACTIVATION_RATE_LIMIT
// set high so the limiter never answers), the agents (plain node:http,
// keep-alive) on core 0. Afterwards the database is read directly: no
// license may have more devices than seats, and each license's seats_used
// must equal its devices. Figures only, not a pass/fail test (but a broken
// seat count ends the run with exit code 1).

const AGENTS = Number(process.env.BENCH_AGENTS ?? 20);
const ACTIVATIONS = Number(process.env.BENCH_ACTIVATIONS ?? 4_000);
const HEARTBEATS = Number(process.env.BENCH_HEARTBEATS ?? 2_000);
const WARMUP = 200;
const LICENSES = 20;
const RACE_SEATS = 30;
const RACE_PREFILLED = 20;
const RACE_ATTEMPTS_PER_AGENT = 3;

interface Answer {
  status: number;
  ms: number;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: AGENTS });

function post(baseUrl: string, path: string, body: unknown, token?: string): Promise<Answer> {
  const payload = JSON.stringify(body);
  const url = new URL(path, baseUrl);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** CPU time (user + system) a process has used, ms; /proc counts in ticks of 10 ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

interface Phase {
  name: string;
  requests: number;
  seconds: number;
  statuses: Map<number, number>;
  p50: number;
  p99: number;
  cpuPerRequest: number;
  answers: Answer[];
}

/** `perAgent(agentIndex, i)` for i < count, AGENTS loops at once; wall time, statuses and latencies. */
async function phase(
  name: string,
  server: Server,
  count: number,
  send: (agentIndex: number, i: number) => Promise<Answer>,
): Promise<Phase> {
  const answers: Answer[] = [];
  let next = 0;
  const cpuBefore = cpuMs(server.child.pid!);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: AGENTS }, async (_, agentIndex) => {
      for (let i = next++; i < count; i = next++) answers.push(await send(agentIndex, i));
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = cpuMs(server.child.pid!) - cpuBefore;
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  const statuses = new Map<number, number>();
  for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  return {
    name,
    requests: answers.length,
    seconds,
    statuses,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuPerRequest: (cpu * 1000) / Math.max(1, answers.length),
    answers,
  };
}

function printPhase(p: Phase): void {
  const statuses = [...p.statuses].map(([status, n]) => `${n}× ${status}`).join(', ');
  console.log(
    `  ${p.name}: ${p.requests} in ${p.seconds.toFixed(2)} s = ${(p.requests / p.seconds).toFixed(0)}/s, ` +
      `p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, server CPU ${p.cpuPerRequest.toFixed(0)} µs each; ${statuses}`,
  );
}

/** An operator, an organization, a product and the licenses (real product keys, through the app). */
async function seed(dataDir: string) {
  const config = loadAppConfig({ DATA_DIR: dataDir, APP_SECRET: SECRET, LOG_LEVEL: 'silent', JOBS: 'off' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { http: false }), {
    logger: false,
  });
  try {
    await createPerson(app, { role: 'operator' });
    const organization = await createOrganization(app, 'Northwind Health');
    const product = await createProduct(app, { name: 'Endpoint Security', platforms: 'windows,macos,android,ios' });
    const keys: string[] = [];
    for (let i = 0; i < LICENSES; i++) {
      keys.push((await createLicense(app, { organization, product, seats: 10_000 })).key);
    }
    const race = await createLicense(app, { organization, product, seats: RACE_SEATS });
    return { keys, raceKey: race.key, raceLicenseId: race.license.id, databasePath: config.databasePath };
  } finally {
    await app.close();
  }
}

const PLATFORMS = ['windows', 'windows', 'macos', 'android', 'ios'] as const;
const activation = (productKey: string, n: number) => ({
  productKey,
  deviceName: `AGENT-${String(n).padStart(6, '0')}`,
  platform: PLATFORMS[n % PLATFORMS.length],
  fingerprint: `bench-fingerprint-${n}-${Math.random().toString(36).slice(2)}`,
});

/**
 * What one write transaction costs on this disk with the app's pragmas (WAL,
 * synchronous = FULL: the commit waits for fsync), in a scratch file beside
 * the data: SQLite has one writer, so 1 ÷ this is the most commits a second
 * any write path can reach, activations included.
 */
function commitCost(dataDir: string): { wallMs: number; cpuUs: number } {
  const db = new Database(join(dataDir, 'commit-cost.db'));
  try {
    applyPragmas(db);
    db.exec('create table t (id integer primary key, v text not null)');
    const insert = db.prepare('insert into t (v) values (?)');
    const rounds = 300;
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) {
      db.exec('begin immediate');
      insert.run('x'.repeat(300));
      db.exec('commit');
    }
    const used = process.cpuUsage(cpu);
    return {
      wallMs: Number(process.hrtime.bigint() - started) / 1e6 / rounds,
      cpuUs: (used.user + used.system) / rounds,
    };
  } finally {
    db.close();
  }
}

/** Seats against devices for every license, read from the database file. */
function verify(databasePath: string, raceLicenseId: string) {
  const db = new Database(databasePath, { readonly: true });
  try {
    const rows = db
      .prepare(
        `select l.id, l.seats, l.seats_used as seatsUsed,
                (select count(*) from devices d where d.license_id = l.id) as devices
           from licenses l`,
      )
      .all() as { id: string; seats: number; seatsUsed: number; devices: number }[];
    const oversold = rows.filter((r) => r.devices > r.seats);
    const drift = rows.filter((r) => r.seatsUsed !== r.devices);
    const summaryWrong = (
      db
        .prepare(
          `select count(*) as n from (
             select organization_id, protection, count(*) as n from devices group by organization_id, protection
             except select organization_id, protection, n from device_summary where n > 0)`,
        )
        .get() as { n: number }
    ).n;
    const race = rows.find((r) => r.id === raceLicenseId)!;
    return {
      licenses: rows.length,
      oversold,
      drift,
      summaryWrong,
      race,
      devices: rows.reduce((s, r) => s + r.devices, 0),
    };
  } finally {
    db.close();
  }
}

export async function run(): Promise<void> {
  pinClientAndBuild();
  console.log(
    `activation: SeatDesk (dist/, ACTIVATION_RATE_LIMIT=1000000) on core ${SERVER_CORE}, ${AGENTS} agents ` +
      `(node:http, keep-alive) on core ${CLIENT_CORE}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; figures only.`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'seatdesk-bench-'));
  let server: Server | undefined;
  let failed = false;
  try {
    const seeded = await seed(dataDir);
    const commit = commitCost(dataDir);
    console.log(
      `  one write transaction on this disk (WAL, synchronous=FULL): ${commit.wallMs.toFixed(2)} ms wall, ` +
        `${commit.cpuUs.toFixed(0)} µs CPU: at most ${(1000 / commit.wallMs).toFixed(0)} commits/s for SQLite's one writer`,
    );
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of SeatDesk there.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    server = await start(
      'SeatDesk',
      [...NODE_FLAGS, ...profile, 'dist/src/main.js'],
      { DATA_DIR: dataDir, APP_SECRET: SECRET, ACTIVATION_RATE_LIMIT: '1000000' },
      '/healthz',
    );
    const s = server;
    let n = 0;
    const activate = (agentIndex: number, i: number) =>
      post(s.baseUrl, '/api/v1/activations', activation(seeded.keys[(agentIndex + i) % LICENSES], n++));

    await phase('warm-up', s, WARMUP, activate);
    const activations = await phase(`activations (${LICENSES} licenses, new fingerprints)`, s, ACTIVATIONS, activate);
    printPhase(activations);

    const tokens = activations.answers
      .filter((a) => a.status === 201)
      .map((a) => (JSON.parse(a.body) as { deviceToken: string }).deviceToken);
    if (tokens.length > 0) {
      const heartbeats = await phase('heartbeats', s, HEARTBEATS, (_, i) =>
        post(
          s.baseUrl,
          '/api/v1/heartbeat',
          { agentVersion: '8.2.0', signaturesVersion: '2026.12.04' },
          tokens[i % tokens.length],
        ),
      );
      printPhase(heartbeats);
    }

    // The race: the license has RACE_SEATS seats, RACE_PREFILLED taken; every agent tries at once.
    for (let i = 0; i < RACE_PREFILLED; i++) {
      await post(s.baseUrl, '/api/v1/activations', activation(seeded.raceKey, n++));
    }
    const race = await phase(
      `race: ${AGENTS} agents × ${RACE_ATTEMPTS_PER_AGENT} for the last ${RACE_SEATS - RACE_PREFILLED} seats`,
      s,
      AGENTS * RACE_ATTEMPTS_PER_AGENT,
      () => post(s.baseUrl, '/api/v1/activations', activation(seeded.raceKey, n++)),
    );
    printPhase(race);
    const noSeat = race.answers.filter((a) => a.status === 409 && a.body.includes('no_seat_available')).length;
    console.log(`    ${race.statuses.get(201) ?? 0} activated, ${noSeat} answered 409 no_seat_available`);

    await server.stop();
    server = undefined;
    const check = verify(seeded.databasePath, seeded.raceLicenseId);
    failed = check.oversold.length > 0 || check.drift.length > 0 || check.summaryWrong > 0;
    console.log(
      `\n  verified in the database: ${check.devices} devices on ${check.licenses} licenses; ` +
        `oversold licenses (devices > seats): ${check.oversold.length}; seats_used ≠ devices: ${check.drift.length}; ` +
        `device_summary rows ≠ count(*): ${check.summaryWrong}; the raced license: ${check.race.devices} devices, ` +
        `seats_used ${check.race.seatsUsed}, ${check.race.seats} seats`,
    );
    console.log(`  ${failed ? 'SEATS WRONG' : 'zero oversell'}`);
  } finally {
    if (server) await server.stop();
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `  load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (failed) process.exitCode = 1;
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

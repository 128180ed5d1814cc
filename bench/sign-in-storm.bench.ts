import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { createPerson } from '../seeds/factories';
import { MailService } from '../src/platform/mail/mail.service';
import { measure, signInOperator, startBenchApp, type BenchApp } from './lib';

// 50 concurrent sign-ins (argon2id on every one) while another client loads
// /dashboard: sign-ins per second, the dashboard's p99 during the storm
// against idle, and the event-loop delay p99 of the server (this process).
// Then the same storm as an attack: wrong passwords for one account, which
// locks after LOCKOUT_MAX_FAILURES and must cost the same from then on.
// Last, /forgot-password for a known and an unknown address, alternating, one
// at a time (each after the previous one's work and mail finished), timed by a
// client in another process as an attacker would: the two answers should take
// the same time, within noise.

const STORM_SECONDS = Number(process.env.BENCH_STORM_SECONDS ?? 10);
const STORM_CONNECTIONS = 50;
const FORGOT_REQUESTS = Number(process.env.BENCH_FORGOT_REQUESTS ?? 200);

interface StormFigures {
  label: string;
  attempts: number;
  perSecond: number;
  statuses: string;
  dashboardRequests: number;
  dashboardTimeouts: number;
  dashboardP50: number;
  dashboardP99: number;
  loopP99: number;
}

const cookiePair = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .find((pair) => pair.startsWith(`${name}=`));

/** A CSRF token and its cookie from GET /login, valid for any number of anonymous POSTs. */
async function loginForm(app: BenchApp): Promise<{ csrf: string; cookie: string }> {
  const res = await fetch(`${app.baseUrl}/login`, { redirect: 'manual' });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
  const cookie = cookiePair(res, 'sd_csrf');
  if (!csrf || !cookie) throw new Error('GET /login gave no CSRF token');
  return { csrf, cookie };
}

/**
 * Signs in once and returns the browser cookie the app sets, so the storm's
 * sign-ins come from a browser the account has used before (no new-browser
 * alert mail for each one, as on a normal morning).
 */
async function knownBrowser(app: BenchApp, email: string, password: string): Promise<string> {
  const { csrf, cookie } = await loginForm(app);
  const res = await fetch(`${app.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
  });
  if (res.status !== 303) throw new Error(`POST /login answered ${res.status}`);
  return cookiePair(res, 'sd_browser') ?? '';
}

// The histogram records the time between its timer's runs, sampling
// interval included (an idle process shows p99 ≈ 10–13 ms): "loop p99" is that
// figure as it always was, "delay p99" the part beyond the interval.
const LOOP_SAMPLE_MS = 10;

function loopDelay(): IntervalHistogram {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  histogram.enable();
  return histogram;
}

const ms = (ns: number) => ns / 1e6;

async function storm(
  app: BenchApp,
  label: string,
  credentials: { email: string; password: string },
  dashboardCookie: string,
  browserCookie = '',
): Promise<StormFigures> {
  const form = await loginForm(app);
  const { csrf } = form;
  const cookie = [form.cookie, browserCookie].filter(Boolean).join('; ');
  const body = new URLSearchParams({ ...credentials, _csrf: csrf }).toString();
  // Built as a variable: the local autocannon typings (bench/autocannon.d.ts) omit method and body.
  const signIns = {
    url: `${app.baseUrl}/login`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    connections: STORM_CONNECTIONS,
    duration: STORM_SECONDS,
    // A stalled answer is a figure to report, not an error: wait for it.
    timeout: 60,
    workers: 1,
    sampleInt: 25,
  };
  const histogram = loopDelay();
  const [attempts, dashboard] = await Promise.all([
    autocannon(signIns),
    autocannon({
      url: `${app.baseUrl}/dashboard`,
      headers: { cookie: dashboardCookie },
      connections: 1,
      duration: STORM_SECONDS,
      timeout: 60,
      workers: 1,
      sampleInt: 25,
    }),
  ]);
  histogram.disable();
  const completed = Object.values(attempts.statusCodeStats).reduce((sum, { count }) => sum + count, 0);
  return {
    label,
    attempts: completed,
    perSecond: completed / attempts.duration,
    statuses: Object.entries(attempts.statusCodeStats)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' '),
    dashboardRequests: dashboard.latency.totalCount ?? dashboard.requests.total ?? 0,
    dashboardTimeouts: dashboard.errors + dashboard.timeouts,
    dashboardP50: dashboard.latency.p50,
    dashboardP99: dashboard.latency.p99,
    loopP99: ms(histogram.percentile(99)),
  };
}

/**
 * Sequential POSTs to /forgot-password from a client in another process,
 * alternating between the addresses, each once the server has finished the
 * previous one's after-answer work and mail; latencies in ms per address.
 */
async function forgotLatencies(app: BenchApp, emails: string[], rounds: number): Promise<Record<string, number[]>> {
  const { csrf, cookie } = await loginForm(app);
  const child = fork(join(__dirname, 'forgot-client.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type: string; latencies?: Record<string, number[]> }) => {
      if (message.type === 'done') resolve(message.latencies ?? {});
      else
        void app.t.app
          .get(MailService)
          .whenIdle()
          .then(() => child.send('go'));
    });
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`forgot-client exited with ${code}`))));
    child.send({ baseUrl: app.baseUrl, cookie, csrf, emails, rounds });
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

export async function run(): Promise<void> {
  const app = await startBenchApp();
  try {
    const dashboardCookie = await signInOperator(app);
    const member = await createPerson(app.t.app, { role: 'member' });
    const target = await createPerson(app.t.app, { role: 'member' });

    // Idle: the dashboard alone, same single connection.
    const idleLoop = loopDelay();
    const idle = await measure(app, '/dashboard', dashboardCookie, { amount: 1000, connections: 1, warmup: 100 });
    idleLoop.disable();

    const browser = await knownBrowser(app, member.email, member.password);
    const storms = [
      await storm(
        app,
        'right password (one account)',
        { email: member.email, password: member.password },
        dashboardCookie,
        browser,
      ),
      await storm(
        app,
        'wrong password (locks, then refused)',
        { email: target.email, password: 'not-the-password-42' },
        dashboardCookie,
      ),
    ];

    console.log(
      `sign-in storm: ${STORM_CONNECTIONS} concurrent sign-ins for ${STORM_SECONDS} s while 1 connection loads /dashboard; ` +
        `argon2id m=19 MiB t=2 p=1; libuv threadpool ${process.env.UV_THREADPOOL_SIZE ?? 4}; figures only, not a pass/fail test.`,
    );
    console.log(
      `\nidle: /dashboard p50 ${idle.p50.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)} ms (${idle.requests} requests, ${idle.rps.toFixed(0)} req/s); ` +
        `event-loop delay p99 ${ms(idleLoop.percentile(99)).toFixed(1)} ms ` +
        `(${Math.max(0, ms(idleLoop.percentile(99)) - LOOP_SAMPLE_MS).toFixed(1)} ms beyond the ${LOOP_SAMPLE_MS} ms interval)`,
    );
    const header = [
      'storm',
      'sign-ins/s',
      'answers',
      'dashboard reqs',
      'dash errors',
      'dash p50 ms',
      'dash p99 ms',
      'loop p99 ms',
      'delay p99 ms',
    ];
    const rows = storms.map((s) => [
      s.label,
      s.perSecond.toFixed(1),
      s.statuses,
      String(s.dashboardRequests),
      String(s.dashboardTimeouts),
      s.dashboardP50.toFixed(1),
      s.dashboardP99.toFixed(1),
      s.loopP99.toFixed(1),
      Math.max(0, s.loopP99 - LOOP_SAMPLE_MS).toFixed(1),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
    for (const row of rows) console.log(line(row));

    const known = member.email;
    const unknown = 'nobody.at.all@example.test';
    // Warm both paths first (templates and statements), then measure.
    await forgotLatencies(app, [known, unknown], 20);
    const forgot = await forgotLatencies(app, [known, unknown], FORGOT_REQUESTS);
    const describe = (values: number[]) =>
      `p50 ${percentile(values, 50).toFixed(2)} ms, p90 ${percentile(values, 90).toFixed(2)} ms`;
    console.log(
      `\n/forgot-password, ${FORGOT_REQUESTS} requests each, alternating, from another process: ` +
        `known address ${describe(forgot[known])}; unknown address ${describe(forgot[unknown])}`,
    );
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

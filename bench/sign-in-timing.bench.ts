import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createPerson, type CreatedPerson } from '../seeds/factories';
import { AfterCommit } from '../src/platform/database/after-commit';
import { MailService } from '../src/platform/mail/mail.service';
import { createOperator, createTestApp, type TestApp } from '../test/utils/test-app';
import type { Latencies, TimingJob, TimingStep } from './timing-client';

// Does the answer's time tell whether an address has an account? Timed from a
// client in another process, one request at a time, each once the server is
// idle, the cases interleaved round after round so drift in the machine's load
// falls on all of them alike:
//
// - POST /login with a wrong password for a known address and for an unknown
//   one; and two unknown addresses against each other, the noise reference.
// - POST /forgot-password for a known and an unknown address, then the GET
//   sent right after each answer: work the server does after answering (the
//   link, its mail) must not slow the next request for one and not the other.
//
// Figures only, never a pass/fail test.

const PAIRS = Number(process.env.BENCH_TIMING_PAIRS ?? 250);
const WARMUP = 30;
// Failures a known account takes before the bench moves to the next one (well
// below LOCKOUT_MAX_FAILURES: a locked account answers by another path).
const FAILURES_PER_ACCOUNT = 90;

async function latencies(t: TestApp, baseUrl: string, steps: TimingStep[], rounds: number): Promise<Latencies> {
  const form = await fetch(`${baseUrl}/login`, { redirect: 'manual' });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  const cookie = form.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .find((pair) => pair.startsWith('sd_csrf='));
  if (!csrf || !cookie) throw new Error('GET /login gave no CSRF token');
  const child = fork(join(__dirname, 'timing-client.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const idle = async () => {
    await t.app.get(AfterCommit).whenIdle();
    await t.app.get(MailService).whenIdle();
  };
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type: string; latencies?: Latencies }) => {
      if (message.type === 'done') resolve(message.latencies ?? {});
      else void idle().then(() => child.send('go'));
    });
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`timing-client exited with ${code}`))));
    child.send({ baseUrl, cookie, csrf, steps, rounds } satisfies TimingJob);
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const median = (values: number[]) => percentile(values, 50);

/** Sign-in rounds: one wrong password each for a known account and two unknown addresses. */
async function signInRounds(t: TestApp, baseUrl: string, known: CreatedPerson[], rounds: number, offset: number) {
  const all: Latencies = {};
  // Each batch on its own known account, so none reaches the lockout.
  for (let done = 0; done < rounds; done += FAILURES_PER_ACCOUNT) {
    const person = known[Math.floor((offset + done) / FAILURES_PER_ACCOUNT)];
    const steps: TimingStep[] = [
      { label: 'known', path: '/login', fields: { email: person.email, password: 'wrong-password-1' }, status: 401 },
      {
        label: 'unknown A',
        path: '/login',
        fields: { email: 'nobody.a@example.test', password: 'wrong-password-1' },
        status: 401,
      },
      {
        label: 'unknown B',
        path: '/login',
        fields: { email: 'nobody.b@example.test', password: 'wrong-password-1' },
        status: 401,
      },
    ];
    const batch = await latencies(t, baseUrl, steps, Math.min(FAILURES_PER_ACCOUNT, rounds - done));
    for (const [label, values] of Object.entries(batch)) (all[label] ??= []).push(...values);
  }
  return all;
}

function report(title: string, figures: Latencies, rows: [string, string][]) {
  const describe = (values: number[]) =>
    `median ${median(values).toFixed(2)} ms, p90 ${percentile(values, 90).toFixed(2)} ms (n=${values.length})`;
  console.log(`\n${title}`);
  for (const [label, key] of rows) console.log(`  ${label.padEnd(34)} ${describe(figures[key])}`);
}

const gap = (figures: Latencies, a: string, b: string) => (median(figures[a]) - median(figures[b])).toFixed(2);

export async function run(): Promise<void> {
  // High rate limits (one client address sends every request) and the most
  // failures before a lockout the configuration allows.
  const t = await createTestApp({ LOCKOUT_MAX_FAILURES: '100' });
  try {
    await t.app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await createOperator(t);
    const accounts = Math.ceil((PAIRS + WARMUP) / FAILURES_PER_ACCOUNT) + 1;
    const known: CreatedPerson[] = [];
    for (let i = 0; i < accounts; i++) known.push(await createPerson(t.app, { role: 'member' }));

    console.log(
      `sign-in timing: ${PAIRS} rounds, one client in another process, one request at a time once the server is idle; ` +
        'figures only, not a pass/fail test.',
    );
    await signInRounds(t, baseUrl, known, WARMUP, 0);
    const signIn = await signInRounds(t, baseUrl, known, PAIRS, WARMUP);
    report('POST /login, wrong password', signIn, [
      ['known address', 'known'],
      ['unknown address A', 'unknown A'],
      ['unknown address B (noise reference)', 'unknown B'],
    ]);
    console.log(
      `  median gap known − unknown A: ${gap(signIn, 'known', 'unknown A')} ms; ` +
        `unknown B − unknown A (noise): ${gap(signIn, 'unknown B', 'unknown A')} ms`,
    );

    const member = known[known.length - 1];
    const forgotSteps: TimingStep[] = [
      { label: 'known', path: '/forgot-password', fields: { email: member.email }, status: 303, next: '/login' },
      {
        label: 'unknown A',
        path: '/forgot-password',
        fields: { email: 'nobody.a@example.test' },
        status: 303,
        next: '/login',
      },
      {
        label: 'unknown B',
        path: '/forgot-password',
        fields: { email: 'nobody.b@example.test' },
        status: 303,
        next: '/login',
      },
    ];
    await latencies(t, baseUrl, forgotSteps, WARMUP);
    const forgot = await latencies(t, baseUrl, forgotSteps, PAIRS);
    report('POST /forgot-password, then GET /login at once', forgot, [
      ['known address', 'known'],
      ['unknown address A', 'unknown A'],
      ['unknown address B (noise reference)', 'unknown B'],
      ['next request after known', 'known → next'],
      ['next request after unknown A', 'unknown A → next'],
      ['next request after unknown B', 'unknown B → next'],
    ]);
    console.log(
      `  median gap of the next request, known − unknown A: ${gap(forgot, 'known → next', 'unknown A → next')} ms; ` +
        `unknown B − unknown A (noise): ${gap(forgot, 'unknown B → next', 'unknown A → next')} ms`,
    );
  } finally {
    await t.close();
  }
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

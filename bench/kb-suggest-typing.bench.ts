import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seedArticles } from './kb-search.bench';
import { browserCookie, loadAverage, NODE_FLAGS, pinClientAndBuild, SECRET, start, type Server } from './lib';

// 50 members typing a ticket's subject at once against 10,000 articles, as
// public/js/kb-suggest.js asks: /kb/suggest?q= for each longer prefix of at
// least 2 characters, 200 ms (its debounce) plus a keystroke's gap after the
// previous answer, three subjects each, every member with their own session.
// SeatDesk (dist/) on core 1, the typists (this process) on core 0. Prints
// p50 / p95 / p99 / max latency as the typists saw it (target p99 ≤ 20 ms)
// and the server's CPU per answer. BENCH_TYPISTS, BENCH_ARTICLES change the
// sizes. Figures only, not a pass/fail test.

const TYPISTS = Number(process.env.BENCH_TYPISTS ?? 50);
const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 10_000);
const SUBJECTS_EACH = 3;
const DEBOUNCE_MS = 200;

const SUBJECTS = [
  'Cannot sign in since this morning',
  'Password reset mail never arrives',
  'Lost my phone and need a new two-factor code',
  'Installer fails on Windows 11 with error 1603',
  'Agent does not start after reboot on macOS',
  'Need more seats for our new office',
  'License expired although we paid the invoice',
  'Device shows as unprotected but the agent runs',
  'Remove old devices to free seats',
  'Card declined at renewal',
  'Invoice has the wrong VAT number',
  'How do I move a device to another license?',
  'Recovery codes used up',
  'Silent install with Intune hangs',
];

/** A well-spread hash of n, in [0, 1). */
const unit = (n: number) => ((Math.imul(n + 1, 2654435761) >>> 0) % 1_000_003) / 1_000_003;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One member typing their subjects; the latency of each answer, ms. */
async function typist(app: Server, cookie: string, n: number, latencies: number[], failures: string[]): Promise<void> {
  await sleep(unit(n) * 1000);
  for (let s = 0; s < SUBJECTS_EACH; s++) {
    const subject = SUBJECTS[(n * SUBJECTS_EACH + s) % SUBJECTS.length];
    let last = '';
    for (let i = 2; i <= subject.length; i++) {
      const q = subject.slice(0, i).trim();
      if (q === last) continue;
      last = q;
      const started = performance.now();
      const res = await fetch(`${app.baseUrl}/kb/suggest?q=${encodeURIComponent(q)}`, {
        headers: { cookie, accept: 'application/json' },
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      if (res.status !== 200) failures.push(`${res.status} for ${q}`);
      // The debounce, then the next keystroke's gap (a steady typist: 60–180 ms).
      await sleep(DEBOUNCE_MS + 60 + unit(n * 1000 + i) * 120);
    }
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

export async function run(): Promise<void> {
  pinClientAndBuild();
  console.log(
    `kb suggest while typing: ${TYPISTS} members typing ${SUBJECTS_EACH} subjects each at once against ${ARTICLES} ` +
      `articles; SeatDesk (dist/) on core 1, the typists on core 0; load average ${loadAverage()}; figures only.`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'seatdesk-bench-'));
  let app: Server | undefined;
  try {
    const seeded = await seedArticles(dataDir, ARTICLES, TYPISTS);
    console.log(`${ARTICLES} articles inserted and indexed in ${seeded.seconds.toFixed(1)} s`);
    app = await start(
      'SeatDesk',
      [...NODE_FLAGS, 'dist/src/main.js'],
      { DATA_DIR: dataDir, APP_SECRET: SECRET },
      '/healthz',
    );
    const server = app;
    const cookies: string[] = [];
    for (const member of seeded.members) cookies.push(await browserCookie(server, member.email, member.password));
    // A short warm-up (JIT, the SQLite page cache), not counted.
    for (let i = 0; i < 200; i++) {
      await (
        await fetch(
          `${server.baseUrl}/kb/suggest?q=${encodeURIComponent(SUBJECTS[i % SUBJECTS.length].slice(0, 2 + (i % 20)))}`,
          { headers: { cookie: cookies[0] } },
        )
      ).arrayBuffer();
    }
    const latencies: number[] = [];
    const failures: string[] = [];
    const cpuBefore = cpuMs(server.child.pid!);
    // A reference beside the typists: /healthz (no session, no SQL) every 100 ms, and this process's own
    // timer lag. When they are slow too, the wait is the machine's (or this client's), not the search's.
    const probe: number[] = [];
    const lag: number[] = [];
    let typing = true;
    const probing = (async () => {
      while (typing) {
        const asked = performance.now();
        await (await fetch(`${server.baseUrl}/healthz`)).arrayBuffer();
        probe.push(performance.now() - asked);
        const slept = performance.now();
        await sleep(100);
        lag.push(performance.now() - slept - 100);
      }
    })();
    const started = performance.now();
    await Promise.all(cookies.map((cookie, n) => typist(server, cookie, n, latencies, failures)));
    const seconds = (performance.now() - started) / 1000;
    typing = false;
    await probing;
    const cpu = cpuMs(server.child.pid!) - cpuBefore;
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `\n${latencies.length} suggestions in ${seconds.toFixed(1)} s (${(latencies.length / seconds).toFixed(0)}/s): ` +
        `p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms, ` +
        `p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms; ` +
        `server CPU ${((cpu * 1000) / latencies.length).toFixed(0)} µs per answer, ${((cpu / 1000 / seconds) * 100).toFixed(0)} % of its core`,
    );
    const probeSorted = [...probe].sort((a, b) => a - b);
    const lagSorted = [...lag].sort((a, b) => a - b);
    console.log(
      `meanwhile /healthz: p50 ${percentile(probeSorted, 0.5).toFixed(1)} ms, p99 ${percentile(probeSorted, 0.99).toFixed(1)} ms; ` +
        `the typists' own timer lag: p50 ${percentile(lagSorted, 0.5).toFixed(1)} ms, p99 ${percentile(lagSorted, 0.99).toFixed(1)} ms`,
    );
    if (failures.length) console.warn(`WARNING: ${failures.length} answers were not 200 (first: ${failures[0]})`);
  } finally {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`\nload average at the end: ${loadAverage()}`);
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

import { Worker } from 'node:worker_threads';
import { createOrganization, createPerson } from '../seeds/factories';
import { MailService } from '../src/platform/mail/mail.service';
import { createOperator } from '../test/utils/test-app';
import { signInAt, startBenchApp, type BenchApp } from './lib';

// The people CSV import (/org/users/import) at 1,000 and 10,000 rows: how
// long it takes from the POST to the status page saying done, and the longest
// wait of the page requests made meanwhile (the status page, back to back, as
// a browser with it open would: each needs the database for its session, so
// its wait is how long the import holds the one connection at a stretch).
// The app runs in this process on 127.0.0.1 (BENCH_IMPORT_ROWS=1000,10000 to
// choose). Figures only, not a pass/fail test.

const SCALES = (process.env.BENCH_IMPORT_ROWS ?? '1000,10000').split(',').map(Number);

interface ImportFigures {
  rows: number;
  /** From sending the POST to its answer (the file is read and checked before it). */
  answerMs: number;
  /** From sending the POST to the first status page that says done. */
  importMs: number;
  /** Page requests answered by the poller meanwhile, and the longest wait among them. */
  pages: number;
  longestPageMs: number;
  state: string;
}

async function importOnce(app: BenchApp, rows: number): Promise<ImportFigures> {
  const org = await createOrganization(app.t.app, `Import bench ${rows}`);
  const admin = await createPerson(app.t.app, { role: 'admin', organization: org });
  let cookie = await signInAt(app.baseUrl, admin.email, admin.password);
  const formPage = await fetch(`${app.baseUrl}/org/users/import`, { headers: { cookie } });
  // The form may hand out a fresh CSRF cookie with its token.
  for (const header of formPage.headers.getSetCookie()) {
    const [name] = header.split('=');
    cookie = [...cookie.split('; ').filter((pair) => !pair.startsWith(`${name}=`)), header.split(';')[0]].join('; ');
  }
  const form = await formPage.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
  if (!csrf) throw new Error('GET /org/users/import gave no CSRF token');
  const lines = ['email,name,role'];
  for (let i = 0; i < rows; i++) lines.push(`bench${rows}.${i}@example.test,Bench Person ${i},member`);

  const stopPolling = pollInWorker(`${app.baseUrl}/org/users/import`, cookie);
  await new Promise((resolve) => setTimeout(resolve, 100)); // the poller is under way
  const started = Date.now();
  const res = await fetch(`${app.baseUrl}/org/users/import`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, step: 'import', csv: lines.join('\n') }).toString(),
  });
  const answerMs = Date.now() - started;
  const location = res.headers.get('location');
  if (res.status !== 303 || !location) throw new Error(`POST /org/users/import answered ${res.status}`);
  let state = 'running';
  while (state === 'running') {
    const page = await fetch(`${app.baseUrl}${location}`, { headers: { cookie } });
    state = /data-import-state="(\w+)"/.exec(await page.text())?.[1] ?? `answered ${page.status}`;
  }
  const importMs = Date.now() - started;
  const { pages, longestPageMs } = await stopPolling();
  // The invitations go out after the commit: let them, before the next scale.
  await app.t.app.get(MailService).whenIdle();
  return { rows, answerMs, importMs, pages, longestPageMs, state };
}

// A page (the import form: its session needs the database), back to back,
// from a thread of its own until told to stop: a client on the app's event
// loop could not even send while something blocks that loop.
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
let stop = false;
parentPort.once('message', () => (stop = true));
(async () => {
  let pages = 0, longestPageMs = 0;
  while (!stop) {
    const asked = Date.now();
    const res = await fetch(workerData.url, { headers: { cookie: workerData.cookie } });
    await res.text();
    if (res.status !== 200) throw new Error('GET ' + workerData.url + ' answered ' + res.status);
    longestPageMs = Math.max(longestPageMs, Date.now() - asked);
    pages++;
  }
  parentPort.postMessage({ pages, longestPageMs });
})();
`;

/** Starts polling `url`; the returned function stops it and gives the figures. */
function pollInWorker(url: string, cookie: string): () => Promise<{ pages: number; longestPageMs: number }> {
  const worker = new Worker(POLLER, { eval: true, workerData: { url, cookie } });
  const figures = new Promise<{ pages: number; longestPageMs: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return async () => {
    worker.postMessage('stop');
    const result = await figures;
    await worker.terminate();
    return result;
  };
}

async function main(): Promise<void> {
  const app = await startBenchApp();
  try {
    await createOperator(app.t); // set up: sign-in is open
    await importOnce(app, 100); // warm-up: templates, statements, JIT
    const figures: ImportFigures[] = [];
    for (const rows of SCALES) figures.push(await importOnce(app, rows));
    console.log('  rows   POST answer ms   import ms   pages meanwhile   longest page wait ms   state');
    for (const f of figures) {
      console.log(
        `${String(f.rows).padStart(6)}   ${f.answerMs.toFixed(0).padStart(14)}   ${f.importMs.toFixed(0).padStart(9)}   ${String(f.pages).padStart(15)}   ${f.longestPageMs
          .toFixed(0)
          .padStart(20)}   ${f.state}`,
      );
    }
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

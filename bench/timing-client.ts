// The client half of sign-in-timing.bench.ts, in a process of its own (as an
// attacker's client would be: it never waits for work the server does after
// answering). It posts one form per step, the steps interleaved round after
// round; before each step it asks the parent to wait until the server is idle.
// A step with `next` also times the request sent right after its answer.

export interface TimingStep {
  label: string;
  path: string;
  fields: Record<string, string>;
  /** The status every answer must have. */
  status: number;
  /** A GET sent as soon as the answer has arrived, timed on its own. */
  next?: string;
}

export interface TimingJob {
  baseUrl: string;
  cookie: string;
  csrf: string;
  steps: TimingStep[];
  rounds: number;
}

/** Latencies in ms by step label (and `<label> → next` for the follow-on GET). */
export type Latencies = Record<string, number[]>;

const send = (message: unknown) =>
  new Promise<void>((resolve, reject) =>
    process.send?.(message, (err: Error | null) => (err ? reject(err) : resolve())),
  );

const nextMessage = () => new Promise<unknown>((resolve) => process.once('message', resolve));

async function timed(url: string, init: RequestInit, status: number): Promise<number> {
  const start = process.hrtime.bigint();
  const res = await fetch(url, { redirect: 'manual', ...init });
  await res.arrayBuffer();
  if (res.status !== status) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}, not ${status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(job: TimingJob): Promise<void> {
  const latencies: Latencies = {};
  const add = (label: string, value: number) => (latencies[label] ??= []).push(value);
  for (let round = 0; round < job.rounds; round++) {
    for (const step of job.steps) {
      await send({ type: 'idle?' });
      await nextMessage();
      const body = new URLSearchParams({ ...step.fields, _csrf: job.csrf }).toString();
      const headers = { 'content-type': 'application/x-www-form-urlencoded', cookie: job.cookie };
      add(step.label, await timed(`${job.baseUrl}${step.path}`, { method: 'POST', headers, body }, step.status));
      if (step.next) {
        add(
          `${step.label} → next`,
          await timed(`${job.baseUrl}${step.next}`, { headers: { cookie: job.cookie } }, 200),
        );
      }
    }
  }
  await send({ type: 'done', latencies });
}

process.once('message', (job) => {
  main(job as TimingJob).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
});

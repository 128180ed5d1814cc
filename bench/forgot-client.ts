// The client half of the /forgot-password timing check in
// sign-in-storm.bench.ts, in a process of its own: measured from the same
// process as the app, the client would also wait for work the server does
// after answering (the two share one event loop), which an attacker's client
// never sees. Before each request it asks the parent whether the server is idle.

interface Job {
  baseUrl: string;
  cookie: string;
  csrf: string;
  emails: string[];
  rounds: number;
}

const send = (message: unknown) =>
  new Promise<void>((resolve, reject) =>
    process.send?.(message, (err: Error | null) => (err ? reject(err) : resolve())),
  );

const nextMessage = () => new Promise<unknown>((resolve) => process.once('message', resolve));

async function main(job: Job): Promise<void> {
  const latencies: Record<string, number[]> = Object.fromEntries(job.emails.map((email) => [email, []]));
  for (let round = 0; round < job.rounds; round++) {
    // Alternating addresses, so drift in the machine's load falls on both alike.
    for (const email of job.emails) {
      await send({ type: 'idle?' });
      await nextMessage();
      const start = process.hrtime.bigint();
      const res = await fetch(`${job.baseUrl}/forgot-password`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: job.cookie },
        body: new URLSearchParams({ email, _csrf: job.csrf }).toString(),
      });
      await res.arrayBuffer();
      if (res.status !== 303) throw new Error(`POST /forgot-password answered ${res.status}`);
      latencies[email].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  await send({ type: 'done', latencies });
}

process.once('message', (job) => {
  main(job as Job).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
});

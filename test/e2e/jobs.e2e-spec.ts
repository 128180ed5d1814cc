import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable, Module } from '@nestjs/common';
import { withContext } from '../../src/platform/database/request-context';
import { Job } from '../../src/platform/jobs/job.decorator';
import { JobRunner } from '../../src/platform/jobs/job-runner';
import { JobsService } from '../../src/platform/jobs/jobs.service';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

/** A promise and the function that settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Jobs whose behaviour the tests steer. */
@Injectable()
class TestJobs {
  failNext = false;
  runs = 0;
  // test.slow: `started` settles once a run holds the lease and is in its body; it ends on `release`.
  private started = deferred();
  private released = deferred();
  private inSlow = false;

  constructor(readonly jobRunner: JobRunner) {}

  @Job({ name: 'test.flaky', cron: '0 */5 * * * *', description: 'Fails when told to' })
  async flaky() {
    this.runs++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('the disk is full');
    }
    return { processed: 3 };
  }

  @Job({ name: 'test.slow', cron: '0 0 * * * *', description: 'Waits until released', leaseSeconds: 60 })
  async slow() {
    // A second run inside the body means the lease failed: it returns at once so the test fails, not hangs.
    if (this.inSlow) return { overlapped: 1 };
    this.inSlow = true;
    try {
      this.started.resolve();
      await this.released.promise;
      return { waited: 1 };
    } finally {
      this.inSlow = false;
    }
  }

  /** Resolves once a run of test.slow holds its lease. */
  whenSlowStarted(): Promise<void> {
    return this.started.promise;
  }

  /** Lets the running test.slow finish; the next run waits again. */
  releaseSlow(): void {
    this.released.resolve();
    this.started = deferred();
    this.released = deferred();
  }
}

@Module({ providers: [TestJobs] })
class TestJobsModule {}

describe('job runner and /admin/jobs', () => {
  let t: TestApp;
  let jobs: TestJobs;
  beforeAll(async () => {
    t = await createTestApp({}, { imports: [TestJobsModule] });
    await createOperator(t);
    jobs = t.app.get(TestJobs, { strict: false });
  });
  afterAll(() => t.close());

  const runNow = (name: string) => t.app.get(JobsService).runNow(name, 'schedule');
  const runsOf = (name: string) =>
    withContext(t.app, () =>
      t.app
        .get(EntityManager)
        .execute<{ outcome: string; counts: string | null; error: string | null; trigger: string }[]>(
          'select outcome, counts, error, trigger from job_runs where name = ? order by id',
          [name],
        ),
    );

  it('records a run with its outcome and counts', async () => {
    const result = await runNow('test.flaky');
    expect(result).toMatchObject({ outcome: 'succeeded', counts: { processed: 3 } });
    expect(await runsOf('test.flaky')).toEqual([
      { outcome: 'succeeded', counts: '{"processed":3}', error: null, trigger: 'schedule' },
    ]);
  });

  it('records a job that throws, and the next run still happens', async () => {
    jobs.failNext = true;
    const failed = await runNow('test.flaky');
    expect(failed).toMatchObject({ outcome: 'failed', error: 'the disk is full' });
    const next = await runNow('test.flaky');
    expect(next.outcome).toBe('succeeded');
    const runs = await runsOf('test.flaky');
    expect(runs.slice(-2).map((r) => r.outcome)).toEqual(['failed', 'succeeded']);
    expect(runs[runs.length - 2].error).toBe('the disk is full');
  });

  it('never lets two runners run the same job at once', async () => {
    const first = runNow('test.slow');
    await jobs.whenSlowStarted();
    const second = await t.app.get(JobsService).runNow('test.slow');
    expect(second.outcome).toBe('skipped');
    jobs.releaseSlow();
    expect((await first).outcome).toBe('succeeded');
    // Once the first run released its lease, the job runs again.
    const third = t.app.get(JobsService).runNow('test.slow');
    await jobs.whenSlowStarted();
    jobs.releaseSlow();
    expect((await third).outcome).toBe('succeeded');
  });

  it("takes over a crashed run's lease once it expires", async () => {
    await withContext(t.app, () =>
      t.app
        .get(EntityManager)
        .execute(
          `insert into job_leases (name, holder, acquired_at, expires_at) values ('test.flaky', 'crashed', ?, ?)`,
          [+t.clock.now(), +t.clock.now() + 600_000],
        ),
    );
    expect((await runNow('test.flaky')).outcome).toBe('skipped');
    t.clock.advance(601);
    expect((await runNow('test.flaky')).outcome).toBe('succeeded');
  });

  it('lists every job with schedule, last run and history, and runs one now', async () => {
    const { client, person } = await signedIn(t, 'operator');
    const page = await client.get('/admin/jobs');
    expect(page.status).toBe(200);
    for (const name of ['audit.retention', 'test.flaky', 'test.slow']) expect(page.text).toContain(name);
    expect(page.text).toContain('the disk is full');
    expect(page.text).toContain('0 */5 * * * *');

    const before = jobs.runs;
    const run = await client.submit('/admin/jobs', {}, '/admin/jobs/test.flaky/run');
    expect(run.status).toBe(303);
    expect(jobs.runs).toBe(before + 1);
    const after = await client.get('/admin/jobs');
    expect(after.text).toContain('Job test.flaky ran.');
    expect(after.text).toContain('Run now');
    expect((await runsOf('test.flaky')).pop()!.trigger).toBe('manual');
    // Who pressed the button is on record (the run's own entries name the job).
    const [requested] = await withContext(t.app, () =>
      t.app
        .get(EntityManager)
        .execute<{ actorId: string; details: string }[]>(
          `select actor_id as actorId, details from audit_entries where action = 'job.run_requested' and target_label = 'test.flaky' order by id desc limit 1`,
        ),
    );
    expect(requested).toEqual({ actorId: person.id, details: JSON.stringify({ trigger: 'manual' }) });

    const unknown = await client.submit('/admin/jobs', {}, '/admin/jobs/no.such/run');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('There is no job named no.such.');
    const odd = await client.submit('/admin/jobs', {}, `/admin/jobs/${encodeURIComponent('x\u202e'.repeat(50))}/run`);
    expect(odd.status).toBe(404);
    expect(odd.text).toContain('There is no job by that name.');
  });

  it.each(['member', 'admin', 'helpdesk'] as const)('refuses /admin/jobs to a %s', async (role) => {
    const { client } = await signedIn(t, role);
    expect((await client.get('/admin/jobs')).status).toBe(403);
    const before = jobs.runs;
    expect((await client.submit('/dashboard', {}, '/admin/jobs/test.flaky/run')).status).toBe(403);
    expect(jobs.runs).toBe(before);
  });
});

import { SchedulerRegistry } from '@nestjs/schedule';
import { JobRegistry } from '../../src/platform/jobs/job-registry';
import { cli } from '../utils/cli';
import { createTestApp, type TestApp } from '../utils/test-app';

// JOBS=on (the default) puts every @Job on the scheduler under the name
// jobs:list shows, with its schedule; JOBS=off leaves the scheduler out.

/** Each scheduled cron job: name → its schedule. None when the scheduler is not there at all. */
function scheduled(t: TestApp): Record<string, string> {
  let registry: SchedulerRegistry;
  try {
    registry = t.app.get(SchedulerRegistry, { strict: false });
  } catch {
    return {};
  }
  return Object.fromEntries([...registry.getCronJobs()].map(([name, job]) => [name, String(job.cronTime.source)]));
}

/** What `jobs:list` prints for this data directory: name → schedule. */
async function listed(dataDir: string): Promise<Record<string, string>> {
  const result = await cli(dataDir, ['jobs:list']);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const [, , ...rows] = result.stdout.trimEnd().split('\n');
  // NAME, then the six cron fields.
  return Object.fromEntries(
    rows.map((row) => {
      const [name, ...fields] = row.split(/\s+/);
      return [name, fields.slice(0, 6).join(' ')];
    }),
  );
}

describe('JOBS=on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JOBS: 'on' });
  });
  afterAll(() => t.close());

  it('schedules every job under the name and schedule jobs:list shows', async () => {
    const jobs = await listed(t.dataDir);
    expect(Object.keys(jobs)).toEqual(expect.arrayContaining(['audit.retention', 'mail.deliver']));
    expect(scheduled(t)).toEqual(jobs);
    expect(Object.keys(jobs).sort()).toEqual(
      t.app
        .get(JobRegistry)
        .list()
        .map((job) => job.spec.name)
        .sort(),
    );
  });

  it('has every cron job started, waiting for its next time', () => {
    const crons = [...t.app.get(SchedulerRegistry, { strict: false }).getCronJobs()];
    expect(crons.length).toBeGreaterThan(0);
    for (const [name, job] of crons) expect([name, job.isActive]).toEqual([name, true]);
  });
});

describe('JOBS=off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JOBS: 'off' });
  });
  afterAll(() => t.close());

  it('schedules nothing, though the jobs are still there to run by hand', async () => {
    expect(scheduled(t)).toEqual({});
    expect(Object.keys(await listed(t.dataDir))).toContain('audit.retention');
  });
});

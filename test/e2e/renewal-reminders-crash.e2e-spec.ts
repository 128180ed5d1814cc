import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { createProduct } from '../../seeds/factories';
import { FixedClock } from '../../src/common/clock';
import { PROJECT_ROOT } from '../../src/config/paths';
import { CatalogService } from '../../src/modules/catalog/catalog.service';
import { RenewalRemindersService } from '../../src/modules/licenses/renewal-reminders.service';
import { withContext } from '../../src/platform/database/request-context';
import { cliEnv, queryDataDir } from '../utils/cli';
import { seedRenewals } from '../utils/renewals-seed';
import { createTestApp, tempDataDir } from '../utils/test-app';

const DAY = 86_400_000;
const LICENSES = 3000;

// The reminders job killed with SIGKILL halfway: each chunk's ledger rows and
// queued mail commit together, so what it left is whole chunks, and the next
// run sends exactly what is missing.
describe('renewal reminders: kill -9 in the middle of a run', () => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('leaves whole chunks; the next run completes every due reminder exactly once', async () => {
    const setup = await createTestApp({}, { dataDir });
    const product = await createProduct(setup.app, { name: 'Crash Shield' });
    const [plan] = await withContext(setup.app, () => setup.app.get(CatalogService).plans(product.id));
    await setup.close();
    const now = Date.now();
    // One admin per organization and one license each, all in their 30-day stage.
    const { admins } = seedRenewals(dataDir, {
      productId: product.id,
      planId: plan.id,
      organizations: LICENSES,
      adminsPerOrganization: 1,
      licenses: LICENSES,
      firstExpiry: now + 10 * DAY,
      lastExpiry: now + 25 * DAY,
      now,
    });
    const count = (sql: string) => queryDataDir<{ n: number }>(dataDir, sql)[0].n;
    const ledger = () => count('select count(*) as n from license_reminders');
    const mails = () => count(`select count(*) as n from mail_messages where template = 'license-reminder'`);

    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        join(PROJECT_ROOT, 'src/cli/main.ts'),
        'jobs:run',
        'licenses.renewal-reminders',
      ],
      {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(PROJECT_ROOT, 'tsconfig.json'), ...cliEnv(dataDir) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
    let atKill = 0;
    while (child.exitCode === null && child.signalCode === null) {
      atKill = ledger();
      if (atKill > 0 && atKill < LICENSES) {
        child.kill('SIGKILL');
        break;
      }
      await pause(5);
    }
    expect(await exited).toBe('SIGKILL');
    // Some chunks committed, not all; each with its mail.
    const left = ledger();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(LICENSES);
    expect(mails()).toBe(left);

    // The killed run still holds the job's lease: the service runs again (as the job would after the lease).
    const again = await createTestApp({}, { dataDir, clock: new FixedClock(Date.now()) });
    try {
      const counts = await withContext(again.app, () => again.app.get(RenewalRemindersService).run());
      expect(counts.reminders).toBe(LICENSES - left);
      expect(await withContext(again.app, () => again.app.get(RenewalRemindersService).run())).toEqual({
        reminders: 0,
        skipped: 0,
        mails: 0,
      });
    } finally {
      await again.close();
    }
    const perLicense = queryDataDir<{ stage: string; n: number }>(
      dataDir,
      `select l.id, count(r.stage) as n, group_concat(r.stage) as stage
         from licenses l left join license_reminders r on r.license_id = l.id and r.term_expires_at = l.expires_at
        group by l.id`,
    );
    expect(perLicense).toHaveLength(LICENSES);
    expect(perLicense.filter((row) => row.n !== 1 || row.stage !== 'expiry-30')).toEqual([]);
    const perRecipient = queryDataDir<{ recipient: string; n: number }>(
      dataDir,
      `select recipient, count(*) as n from mail_messages where template = 'license-reminder' group by recipient`,
    );
    expect(perRecipient).toHaveLength(admins.length);
    expect(perRecipient.filter((row) => row.n !== 1)).toEqual([]);
    expect(new Set(perRecipient.map((row) => row.recipient))).toEqual(new Set(admins));
  });
});

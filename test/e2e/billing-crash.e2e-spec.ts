import { EntityManager } from '@mikro-orm/better-sqlite';
import { randomBytes, randomUUID } from 'node:crypto';
import { createLicense, createOrganization, createPerson, createProduct } from '../../seeds/factories';
import { join } from 'node:path';
import { openSqlite } from '../../src/cli/sqlite-file';
import { FixedClock } from '../../src/common/clock';
import { withContext } from '../../src/platform/database/request-context';
import { cli, cliEnv, queryDataDir } from '../utils/cli';
import { startCli } from '../utils/server-process';
import { createTestApp, tempDataDir } from '../utils/test-app';

const DAY = 86_400_000;
const LICENSES = 3000;

// kill -9 in the middle of `licenses.renew-due`: every renewal is one
// transaction (order, license term, invoice and its number, payment, audit,
// mail), so the killed run leaves whole renewals only, and the next run
// finishes the rest: no license renewed twice, no invoice number skipped.
describe('the renew-due job killed mid-run', () => {
  jest.setTimeout(180_000);

  it('leaves no license renewed twice and no invoice number skipped; the next run finishes', async () => {
    const dataDir = tempDataDir();
    // The spawned CLI runs on the real clock: the licenses ran out yesterday, for real.
    const now = Date.now();
    const t = await createTestApp({}, { dataDir, clock: new FixedClock(now) });
    try {
      const org = await createOrganization(t.app, 'Crashco');
      await createPerson(t.app, { role: 'admin', organization: org });
      const product = await createProduct(t.app, { name: 'Endpoint Security' });
      const { license: model } = await createLicense(t.app, { organization: org, product, expiresInDays: -1 });
      await withContext(t.app, async () => {
        const em = t.app.get(EntityManager);
        const template = (
          await em.execute<Record<string, unknown>[]>('select * from licenses where id = ?', [model.id])
        )[0];
        await em.transactional(async () => {
          for (let chunk = 0; chunk < LICENSES; chunk += 200) {
            const rows = Array.from({ length: 200 }, () => [
              randomUUID(),
              template.organization_id,
              template.product_id,
              template.plan_id,
              randomBytes(32).toString('hex'),
              template.key_sealed,
              template.key_hint,
              now - DAY,
            ]);
            await em.execute(
              `insert into licenses (id, organization_id, product_id, plan_id, key_digest, key_sealed, key_hint, seats,
                 seats_used, starts_at, expires_at, auto_renew, status, status_changed_at, created_at, updated_at)
               values ${rows.map(() => `(?, ?, ?, ?, ?, ?, ?, 5, 0, ${now - 400 * DAY}, ?, 1, 'active', 0, 0, 0)`).join(', ')}`,
              rows.flat(),
            );
          }
          await em.execute('delete from licenses where id = ?', [model.id]);
        });
      });
    } finally {
      await t.close();
    }

    const orders = () => queryDataDir<{ n: number }>(dataDir, 'select count(*) as n from orders')[0].n;
    const run = startCli(['jobs:run', 'licenses.renew-due'], cliEnv(dataDir));
    let seen = 0;
    while (seen < 50 && run.child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = orders();
    }
    run.child.kill('SIGKILL');
    await run.exited;
    const killedAt = orders();
    // Killed part-way: some renewals committed, not all.
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(LICENSES);

    // The killed run's lease stops anyone else for its 10 minutes; the next hourly run comes after that.
    const refused = await cli(dataDir, ['jobs:run', 'licenses.renew-due']);
    expect(refused.stderr).toContain('already running in another process');
    const db = openSqlite(join(dataDir, 'seatdesk.db'), { fileMustExist: true });
    db.prepare(`update job_leases set expires_at = 0 where name = 'licenses.renew-due'`).run();
    db.close();
    const finish = await cli(dataDir, ['jobs:run', 'licenses.renew-due']);
    expect(finish.stderr).toBe('');
    expect(finish.code).toBe(0);

    const perLicense = queryDataDir<{
      orders: number;
      invoices: number;
      renewed: number;
      status: string;
      expires: number;
    }>(
      dataDir,
      `select (select count(*) from orders o where o.license_id = l.id) as orders,
              (select count(*) from invoices i join orders o on o.id = i.order_id where o.license_id = l.id) as invoices,
              (select count(*) from license_events e where e.license_id = l.id and e.kind = 'renewed') as renewed,
              l.status, l.expires_at as expires
         from licenses l`,
    );
    expect(perLicense).toHaveLength(LICENSES);
    for (const row of perLicense) {
      expect(row).toMatchObject({ orders: 1, invoices: 1, renewed: 1, status: 'active' });
      expect(row.expires).toBeGreaterThan(now + 300 * DAY);
    }
    const numbers = queryDataDir<{ number: string }>(dataDir, 'select number from invoices order by number').map(
      (row) => Number(row.number.slice(-6)),
    );
    expect(numbers).toEqual(Array.from({ length: LICENSES }, (_, i) => i + 1));
    // One invoice mail per renewal to the organization's admin, none doubled.
    const mails = queryDataDir<{ n: number; subjects: number }>(
      dataDir,
      `select count(*) as n, count(distinct subject) as subjects from mail_messages where subject like 'Invoice INV-%'`,
    )[0];
    expect(mails).toEqual({ n: LICENSES, subjects: LICENSES });
  });
});

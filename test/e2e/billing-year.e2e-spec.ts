import { EntityManager } from '@mikro-orm/better-sqlite';
import { randomUUID } from 'node:crypto';
import { createLicense, createOrganization, createPerson, createProduct } from '../../seeds/factories';
import { LicensesService } from '../../src/modules/licenses/licenses.service';
import { RenewalRemindersService } from '../../src/modules/licenses/renewal-reminders.service';
import type { Organization } from '../../src/modules/organizations/organization.entity';
import { withContext } from '../../src/platform/database/request-context';
import { createOperator, createTestApp, type TestApp } from '../utils/test-app';

const DAY = 86_400;

// A year of the two hourly jobs with the injected clock, on the real billing
// module: reminders before expiry, then auto-renewal (paid by card), or a
// failed payment (grace, its reminders, expiry), or no auto-renew at all.
describe('a year of renewals and reminders', () => {
  let t: TestApp;
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  async function customer(name: string, card: string | null, autoRenew: boolean) {
    const org = await createOrganization(t.app, name);
    await createPerson(t.app, { role: 'admin', organization: org, email: `admin@${name.toLowerCase()}.example` });
    const product = await createProduct(t.app, { name: `${name} Shield` });
    if (card) await addCard(org, card);
    const { license } = await createLicense(t.app, { organization: org, product, expiresInDays: 60, autoRenew });
    return { org, license, product };
  }
  const addCard = (org: Organization, last4: string) =>
    sql(
      `insert into payment_methods (id, organization_id, brand, last4, exp_month, exp_year, holder_name, provider,
         is_default, created_at) values (?, ?, 'Visa', ?, 12, 2035, 'Ada Admin', 'test', 1, 0)`,
      randomUUID(),
      org.id,
      last4,
    );
  const stages = async (licenseId: string) =>
    (
      await sql<{ stage: string; outcome: string; term: number }>(
        'select stage, outcome, term_expires_at as term from license_reminders where license_id = ? order by sent_at, stage',
        licenseId,
      )
    ).map((row) => `${new Date(row.term).toISOString().slice(0, 10)} ${row.stage} ${row.outcome}`);
  const subjects = async (product: string) =>
    (
      await sql<{ subject: string }>(
        `select subject from mail_messages where subject like ? order by id`,
        `%${product}%`,
      )
    ).map((row) => row.subject);

  it('reminds each stage once, renews or lapses at expiry, and reminds the new term', async () => {
    const renewing = await customer('Renewing', '4242', true);
    const declined = await customer('Declined', '0002', true);
    const manual = await customer('Manual', null, false);
    const firstExpiry = renewing.license.expiresAt;

    for (let day = 0; day < 400; day++) {
      t.clock.advance(DAY);
      await withContext(t.app, () => t.app.get(LicensesService).lapseDue());
      await withContext(t.app, () => t.app.get(RenewalRemindersService).run());
    }

    const term1 = new Date(firstExpiry).toISOString().slice(0, 10);
    const term2 = new Date(Date.UTC(2028, 0, 25, 10)).toISOString().slice(0, 10);
    // Renewed at expiry: the first term's expiry and grace reminders never go out; the next term's 30-day one does.
    expect(await stages(renewing.license.id)).toEqual([
      `${term1} expiry-30 sent`,
      `${term1} expiry-7 sent`,
      `${term1} expiry-1 sent`,
      `${term2} expiry-30 sent`,
    ]);
    const [renewed] = await sql<{ status: string; expiresAt: number }>(
      'select status, expires_at as expiresAt from licenses where id = ?',
      renewing.license.id,
    );
    expect(renewed.status).toBe('active');
    expect(new Date(renewed.expiresAt).toISOString().slice(0, 10)).toBe(term2);
    expect(await sql('select id from invoices where organization_id = ?', renewing.org.id)).toHaveLength(1);
    expect(await subjects('Renewing Shield')).toEqual([
      'Your Renewing Shield license expires in 30 days',
      'Your Renewing Shield license expires in 7 days',
      'Your Renewing Shield license expires in 1 day',
      'Your Renewing Shield license expires in 30 days',
    ]);

    // The payment failed: grace (with its reminders), then expired; the renewal was tried once, the admins told once.
    for (const lapsed of [declined, manual]) {
      expect(await stages(lapsed.license.id)).toEqual([
        `${term1} expiry-30 sent`,
        `${term1} expiry-7 sent`,
        `${term1} expiry-1 sent`,
        `${term1} expiry-0 sent`,
        `${term1} grace-3 sent`,
      ]);
      const [row] = await sql<{ status: string }>('select status from licenses where id = ?', lapsed.license.id);
      expect(row.status).toBe('expired');
    }
    expect(
      await sql(`select id from orders where license_id = ? and status = 'failed'`, declined.license.id),
    ).toHaveLength(1);
    expect((await subjects('Declined Shield')).filter((s) => s.includes('could not be renewed'))).toHaveLength(1);
    expect(await sql('select id from orders where license_id = ?', manual.license.id)).toHaveLength(0);
    const history = await sql<{ kind: string }>(
      `select kind from license_events where license_id = ? and kind <> 'reminder_sent' order by id`,
      declined.license.id,
    );
    expect(history.map((e) => e.kind)).toEqual(['created', 'grace_started', 'expired']);
  });
});

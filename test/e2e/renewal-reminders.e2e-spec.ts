import { EntityManager } from '@mikro-orm/better-sqlite';
import { createLicense, createOrganization, createPerson, createProduct } from '../../seeds/factories';
import { LicensesService } from '../../src/modules/licenses/licenses.service';
import { RenewalBilling } from '../../src/modules/licenses/renewal-billing';
import { RenewalRemindersService } from '../../src/modules/licenses/renewal-reminders.service';
import { withContext } from '../../src/platform/database/request-context';
import { MailService } from '../../src/platform/mail/mail.service';
import { csrfFrom, errorSummary, flashMessages, textOf, textsOf } from '../utils/html';
import { Client } from '../utils/http';
import { mailFiles } from '../utils/mail';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const DAY = 86_400;

// Renewal reminders (job licenses.renewal-reminders): each stage once per
// license and term, to the organization's admins who did not opt out and
// its billing email; snooze per license; /admin/renewals for operators.
describe('renewal reminders', () => {
  let t: TestApp;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const run = () => withContext(t.app, () => t.app.get(RenewalRemindersService).run());
  const lapse = () => withContext(t.app, () => t.app.get(LicensesService).lapseDue());
  /**
   * The reminders queued to each address about one product's license (each
   * test gives each license a product of its own): subjects in order.
   */
  const queued = async (product: string) => {
    const rows = await sql<{ recipient: string; subject: string }>(
      `select recipient, subject from mail_messages where template = 'license-reminder' and subject like ? order by id`,
      `Your ${product} license %`,
    );
    const by: Record<string, string[]> = {};
    for (const row of rows) (by[row.recipient] ??= []).push(row.subject);
    return by;
  };
  const ledger = (licenseId: string) =>
    sql<{ stage: string; outcome: string; term: number }>(
      'select stage, outcome, term_expires_at as term from license_reminders where license_id = ? order by sent_at, stage',
      licenseId,
    );

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
    // The billing module's part, as it will register it: one confirmed billing email per organization.
    t.app.get(RenewalBilling).register({
      renewAtExpiry: () => Promise.resolve('failed'),
      billingEmails: (ids) =>
        Promise.resolve(new Map(ids.filter((id) => billed.has(id)).map((id) => [id, billed.get(id)!]))),
    });
  });
  afterAll(() => t.close());
  const billed = new Map<string, string>();

  it('over a year, sends each stage once per license and term, to admins who want it and the billing email', async () => {
    const org = await createOrganization(t.app, 'Yearlong');
    billed.set(org.id, 'billing@yearlong.example');
    const product = await createProduct(t.app, { name: 'Endpoint Shield', sku: 'ES-YR' });
    const lapsingProduct = await createProduct(t.app, { name: 'Mail Shield', sku: 'MS-YR' });
    const extendedProduct = await createProduct(t.app, { name: 'Web Shield', sku: 'WS-YR' });
    const admin = await signedIn(t, 'admin', { organization: org });
    const quiet = await signedIn(t, 'admin', { organization: org });
    await createPerson(t.app, { role: 'member', organization: org });
    // The second admin turns reminder mail off on /licenses; auto-renew stays as it was.
    const { license: renewing } = await createLicense(t.app, {
      organization: org,
      product,
      expiresInDays: 200,
      autoRenew: true,
    });
    const { license: lapsing } = await createLicense(t.app, {
      organization: org,
      product: lapsingProduct,
      expiresInDays: 120,
    });
    const { license: extended } = await createLicense(t.app, {
      organization: org,
      product: extendedProduct,
      expiresInDays: 60,
    });
    const off = await quiet.client.submit('/licenses', { mail: 'off' }, '/licenses/reminders');
    expect(off.status).toBe(303);
    const list = await quiet.client.get('/licenses');
    expect(flashMessages(list.text).join(' ')).toContain('You no longer get renewal reminders by email');
    expect(textOf(list.text, 'form[data-reminder-mail] button')).toBe('Email me renewal reminders');
    expect((await t.app.get(LicensesService).get(org.id, renewing.id)).autoRenew).toBe(true);

    for (let day = 1; day <= 365; day++) {
      t.clock.advance(DAY);
      await lapse();
      await run();
      // An operator renews one license five days before its expiry: its old term's remaining stages never fire.
      if (day === 55) {
        await withContext(t.app, () =>
          t.app.get(LicensesService).extend(extended.id, extended.expiresAt + 400 * DAY * 1000),
        );
      }
    }
    await t.app.get(MailService).whenIdle();

    const stages = (name: string) => [
      `Your ${name} license expires in 30 days`,
      `Your ${name} license expires in 7 days`,
      `Your ${name} license expires in 1 day`,
      `Your ${name} license expires today`,
      `Your ${name} license has expired: renew within 3 days`,
    ];
    for (const license of [renewing, lapsing]) {
      const name = license.product.name;
      expect(await queued(name)).toEqual({ [admin.email]: stages(name), 'billing@yearlong.example': stages(name) });
      expect((await ledger(license.id)).map((row) => `${row.stage} ${row.outcome}`)).toEqual([
        'expiry-30 sent',
        'expiry-7 sent',
        'expiry-1 sent',
        'expiry-0 sent',
        'grace-3 sent',
      ]);
    }
    expect(await queued('Web Shield')).toEqual({
      [admin.email]: stages('Web Shield').slice(0, 2),
      'billing@yearlong.example': stages('Web Shield').slice(0, 2),
    });
    // What a reader sees: the license, its masked key, expiry, seats, auto-renew and a link to it.
    const delivered = (await mailFiles(t.dataDir)).filter((mail) => mail.links.some((l) => l.endsWith(renewing.id)));
    expect(delivered).toHaveLength(10);
    expect(delivered.some((mail) => mail.to.includes(quiet.email))).toBe(false);
    const first = delivered[0];
    expect(first.text).toContain(`product key •••••-•••••-•••••-•••••-${renewing.keyHint}`);
    expect(first.text).toContain('Seats: 5');
    expect(first.text).toContain('renews automatically at its expiry');
    expect(first.links).toContain(`${t.config.baseUrl}/licenses/${renewing.id}`);
    // History: one line per reminder sent; audit: one entry per organization and run.
    const again = new Client(t.server);
    expect((await again.signIn(admin.email, admin.password)).status).toBe(303);
    const page = await again.get(`/licenses/${lapsing.id}`);
    expect(textsOf(page.text, '[data-history] strong').filter((l) => l === 'Renewal reminder sent')).toHaveLength(5);
    const audits = await sql<{ details: string }>(
      `select details from audit_entries where action = 'license.reminders_sent' and organization_id = ?`,
      org.id,
    );
    expect(audits.length).toBeGreaterThanOrEqual(5);
    expect(audits.map((a) => (JSON.parse(a.details) as { reminders: number }).reminders).reduce((a, b) => a + b)).toBe(
      12,
    );
  });

  it('runs twice or concurrently without sending anything twice; a late run sends only the latest stage', async () => {
    const org = await createOrganization(t.app, 'Twice');
    const admin = await createPerson(t.app, { role: 'admin', organization: org });
    const product = await createProduct(t.app, { name: 'Mobile Guard', sku: 'MG-TW' });
    const { license } = await createLicense(t.app, { organization: org, product, expiresInDays: 9.5 });
    const results = await Promise.all([run(), run()]);
    await run();
    expect(results.map((r) => r.reminders).sort()).toEqual([0, 1]);
    expect(await queued('Mobile Guard')).toEqual({ [admin.email]: ['Your Mobile Guard license expires in 10 days'] });

    // The job does not run for ten days: at the next run the 7-day, 1-day and expiry stages are past.
    t.clock.advance(10 * DAY);
    await Promise.all([run(), run(), run()]);
    expect(await queued('Mobile Guard')).toEqual({
      [admin.email]: ['Your Mobile Guard license expires in 10 days', 'Your Mobile Guard license expires today'],
    });
    expect((await ledger(license.id)).map((row) => `${row.stage} ${row.outcome}`).sort()).toEqual([
      'expiry-0 sent',
      'expiry-1 skipped',
      'expiry-30 sent',
      'expiry-7 skipped',
    ]);
  });

  it('a snoozed license gets nothing until the snooze ends; resuming brings reminders back', async () => {
    const org = await createOrganization(t.app, 'Snoozy');
    const admin = await signedIn(t, 'admin', { organization: org });
    const product = await createProduct(t.app, { name: 'Cloud Backup', sku: 'CB-SN' });
    const { license } = await createLicense(t.app, { organization: org, product, expiresInDays: 20 });
    const snoozed = await admin.client.submit(
      `/licenses/${license.id}`,
      { days: '7' },
      `/licenses/${license.id}/reminders/snooze`,
    );
    expect(snoozed.status).toBe(303);
    const page = await admin.client.get(`/licenses/${license.id}`);
    expect(flashMessages(page.text).join(' ')).toContain('Renewal reminders for Cloud Backup are snoozed until');
    expect(textOf(page.text, '[data-snoozed]')).toMatch(/^Reminders are snoozed until /);
    expect(textsOf(page.text, '[data-history] strong')).toContain('Renewal reminders snoozed');
    for (let day = 0; day < 7; day++) {
      await run();
      t.clock.advance(DAY);
    }
    expect(await queued('Cloud Backup')).toEqual({});
    await run();
    expect(await queued('Cloud Backup')).toEqual({ [admin.email]: ['Your Cloud Backup license expires in 13 days'] });

    // Snoozed again, then resumed at once: the next stage goes out when it is due.
    const again = new Client(t.server);
    expect((await again.signIn(admin.email, admin.password)).status).toBe(303);
    await again.submit(`/licenses/${license.id}`, { days: '30' }, `/licenses/${license.id}/reminders/snooze`);
    const resumed = await again.submit(`/licenses/${license.id}`, {}, `/licenses/${license.id}/reminders/resume`);
    expect(resumed.status).toBe(303);
    t.clock.advance(6 * DAY);
    await run();
    expect((await queued('Cloud Backup'))[admin.email]).toEqual([
      'Your Cloud Backup license expires in 13 days',
      'Your Cloud Backup license expires in 7 days',
    ]);
    const actions = await sql<{ action: string }>(
      `select action from audit_entries where target_id = ? and action like 'license.reminders_%' order by id`,
      license.id,
    );
    expect(actions.map((a) => a.action)).toEqual([
      'license.reminders_snoozed',
      'license.reminders_snoozed',
      'license.reminders_resumed',
    ]);
  });

  it('shows operators what renews, lapses and is reminded, and exactly what the next run sends to whom', async () => {
    const org = await createOrganization(t.app, 'Preview Co');
    billed.set(org.id, 'billing@preview.example');
    const admin = await createPerson(t.app, { role: 'admin', organization: org });
    const product = await createProduct(t.app, { name: 'Web Filter', sku: 'WF-PV' });
    const { license: soon } = await createLicense(t.app, { organization: org, product, expiresInDays: 5 });
    const { license: later } = await createLicense(t.app, {
      organization: org,
      product,
      expiresInDays: 45,
      autoRenew: true,
    });
    const operator = await signedIn(t, 'operator');
    const page = await operator.client.get('/admin/renewals?within=90');
    expect(page.status).toBe(200);
    const preview = textsOf(page.text, `[data-preview="${soon.id}"] td`);
    expect(preview[2]).toContain('7 days before expiry');
    expect(preview[3]).toBe('Your Web Filter license expires in 5 days');
    expect(textsOf(page.text, `[data-preview="${soon.id}"] [data-recipients] div`)).toEqual([
      admin.email,
      'billing@preview.example',
    ]);
    expect(page.text).not.toContain(`data-preview="${later.id}"`);
    expect(textsOf(page.text, '[data-section="renew"] tbody tr td:first-child')).toContain('Preview Co');
    expect(textsOf(page.text, `[data-section="due"] tr[data-license="${later.id}"] [data-stage]`)).toEqual([
      '30 days before expiry',
      '7 days before expiry',
      '1 day before expiry',
      'On expiry',
    ]);
    // Within 7 days, the license 45 days from its expiry neither renews nor is reminded (its 30-day stage is 15 days out).
    const month = await operator.client.get('/admin/renewals?within=7');
    expect(month.text).not.toContain(`data-license="${later.id}"`);
    // The preview is what the run then sends, every message of it: nothing written by looking.
    expect(await queued('Web Filter')).toEqual({});
    const promised = [...page.text.matchAll(/<tr data-preview="[^"]+">[\s\S]*?<\/tr>/g)].flatMap(([row]) =>
      textsOf(row, '[data-recipients] div').map((to) => `${to}: ${textOf(row, '[data-subject]')}`),
    );
    const [{ last }] = await sql<{ last: number | null }>('select max(id) as last from mail_messages');
    await run();
    const sent = await sql<{ recipient: string; subject: string }>(
      `select recipient, subject from mail_messages where id > ? and template = 'license-reminder'`,
      last ?? 0,
    );
    expect(sent.map((m) => `${m.recipient}: ${m.subject}`).sort()).toEqual(promised.sort());
    expect(await queued('Web Filter')).toEqual({
      [admin.email]: ['Your Web Filter license expires in 5 days'],
      'billing@preview.example': ['Your Web Filter license expires in 5 days'],
    });
    const after = await operator.client.get('/admin/renewals');
    expect(after.text).not.toContain(`data-preview="${soon.id}"`);
  });

  it('only org admins snooze and opt out; another organization’s license is not found', async () => {
    const org = await createOrganization(t.app, 'Roles Co');
    const other = await createOrganization(t.app, 'Other Co');
    const { license } = await createLicense(t.app, { organization: org, expiresInDays: 40 });
    const member = await signedIn(t, 'member', { organization: org });
    const helpdesk = await signedIn(t, 'helpdesk');
    const stranger = await signedIn(t, 'admin', { organization: other });
    const post = async (client: typeof member.client, path: string, body: Record<string, string>) => {
      const csrf = csrfFrom((await client.get('/dashboard')).text);
      return client.agent
        .post(path)
        .type('form')
        .send({ _csrf: csrf, ...body })
        .redirects(0);
    };
    for (const client of [member.client, helpdesk.client]) {
      expect((await post(client, `/licenses/${license.id}/reminders/snooze`, { days: '7' })).status).toBe(403);
      expect((await post(client, `/licenses/${license.id}/reminders/resume`, {})).status).toBe(403);
      expect((await post(client, '/licenses/reminders', { mail: 'off' })).status).toBe(403);
      expect((await client.get('/admin/renewals')).status).toBe(403);
    }
    expect((await stranger.client.get('/admin/renewals')).status).toBe(403);
    expect((await post(stranger.client, `/licenses/${license.id}/reminders/snooze`, { days: '7' })).status).toBe(404);
    expect((await post(stranger.client, `/licenses/${license.id}/reminders/resume`, {})).status).toBe(404);
    const admin = await signedIn(t, 'admin', { organization: org });
    const bad = await post(admin.client, `/licenses/${license.id}/reminders/snooze`, { days: '365' });
    expect(bad.status).toBe(400);
    expect(errorSummary(bad.text)).toEqual(['Choose 7 or 30 days.']);
    const badMail = await post(admin.client, '/licenses/reminders', { mail: 'maybe' });
    expect(badMail.status).toBe(400);
    expect(errorSummary(badMail.text)).toEqual(['Choose on or off.']);
    expect(badMail.text).toContain(`data-license="${license.id}"`);
    expect(
      await sql(
        'select 1 from audit_entries where action = ? and target_id = ?',
        'license.reminders_snoozed',
        license.id,
      ),
    ).toEqual([]);
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { createLicense, createOrganization, createProduct } from '../../seeds/factories';
import { AfterCommit } from '../../src/platform/database/after-commit';
import { withContext } from '../../src/platform/database/request-context';
import type { AppEventMap } from '../../src/platform/events/app-events';
import { attrOf, errorSummary, fieldError, flashMessages, textOf, textsOf } from '../utils/html';
import type { Client } from '../utils/http';
import { createTestApp, signedIn, type TestApp } from '../utils/test-app';

// Licenses: everyone in the organization sees them, org admins manage the
// key and auto-renew, operators create, extend, suspend and cancel them.
describe('licenses (/licenses, /admin/licenses)', () => {
  let t: TestApp;
  let operator: Client;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const audit = async (action: string) =>
    (
      await sql<{ details: string | null }>('select details from audit_entries where action = ? order by id', action)
    ).map((row) => row.details ?? '');

  beforeAll(async () => {
    t = await createTestApp();
    operator = (await signedIn(t, 'operator')).client;
  });
  afterAll(() => t.close());

  it('an operator creates a license for an organization; its people see it with days left and seats', async () => {
    const org = await createOrganization(t.app, 'Northwind');
    const product = await createProduct(t.app, { name: 'Endpoint Security', sku: 'ES-NW' });
    const admin = await signedIn(t, 'admin', { organization: org });
    const member = await signedIn(t, 'member', { organization: org });

    const created = await operator.submit(
      '/admin/licenses/new',
      {
        organization: 'Northwind',
        productId: product.id,
        seats: '25',
        expiresAt: '2027-11-26',
        autoRenew: 'on',
      },
      '/admin/licenses',
    );
    expect(created.status).toBe(303);
    const page = await operator.get(created.headers.location);
    expect(flashMessages(page.text).join(' ')).toContain('License created for Northwind');
    // The key is never on the page until revealed, and never in the flash.
    expect(page.text).not.toMatch(/[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}/);

    for (const client of [admin.client, member.client]) {
      const list = await client.get('/licenses');
      expect(list.status).toBe(200);
      expect(textsOf(list.text, 'tbody td a')).toEqual(['Endpoint Security']);
      expect(textOf(list.text, '[data-seats]')).toBe('0 of 25 used');
      expect(textOf(list.text, '[data-days-left]')).toBe('366 days left');
      expect(textOf(list.text, '[data-state]')).toBe('Active');
    }
    expect(await audit('license.created')).toHaveLength(1);
  });

  it('refuses bad operator input beside the field and writes nothing', async () => {
    const product = await createProduct(t.app);
    const before = (await sql<{ n: number }>('select count(*) as n from licenses'))[0].n;
    const unknownOrg = await operator.submit(
      '/admin/licenses/new',
      {
        organization: 'Nobody Inc',
        productId: product.id,
        seats: '5',
        expiresAt: '2027-01-01',
      },
      '/admin/licenses',
    );
    expect(unknownOrg.status).toBe(400);
    expect(fieldError(unknownOrg.text, 'organization')).toContain('No organization is named “Nobody Inc”.');
    await createOrganization(t.app, 'Badinput');
    const badDate = await operator.submit(
      '/admin/licenses/new',
      {
        organization: 'Badinput',
        productId: product.id,
        seats: '0',
        expiresAt: '2027-02-30',
      },
      '/admin/licenses',
    );
    expect(badDate.status).toBe(400);
    expect(fieldError(badDate.text, 'expiresAt')).toBe('Enter a real date as YYYY-MM-DD.');
    // A well-formed id that names no product (removed meanwhile, or typed by hand): the form again, not a 404 page.
    const noProduct = await operator.submit(
      '/admin/licenses/new',
      {
        organization: 'Badinput',
        productId: '00000000-0000-4000-8000-000000000000',
        seats: '5',
        expiresAt: '2027-01-01',
      },
      '/admin/licenses',
    );
    expect(noProduct.status).toBe(400);
    expect(fieldError(noProduct.text, 'productId')).toBe('Choose a product.');
    expect((await sql<{ n: number }>('select count(*) as n from licenses'))[0].n).toBe(before);
  });

  it('reveals the key only after the password was confirmed recently, and audits it', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org });
    const member = await signedIn(t, 'member', { organization: org });
    const page = await member.client.get(`/licenses/${license.id}`);
    expect(textOf(page.text, '[data-masked-key]')).toBe(`•••••-•••••-•••••-•••••-${key.slice(-5)}`);
    expect(page.text).not.toContain(key);

    // Just signed in: confirmed recently.
    const revealed = await member.client.submit(`/licenses/${license.id}`, {}, `/licenses/${license.id}/reveal`);
    expect(revealed.status).toBe(200);
    expect(textOf(revealed.text, '[data-product-key]')).toBe(key);
    expect(await audit('license.key_revealed')).toHaveLength(1);

    // Sixteen minutes later, the password is asked for first.
    t.clock.advance(16 * 60);
    const later = await member.client.submit(`/licenses/${license.id}`, {}, `/licenses/${license.id}/reveal`);
    expect(later.status).toBe(303);
    expect(later.headers.location).toMatch(/^\/account\/confirm\?next=/);
    expect(await audit('license.key_revealed')).toHaveLength(1);
  });

  it('an org admin replaces a leaked key: the old key no longer finds the license', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org });
    const admin = await signedIn(t, 'admin', { organization: org });
    const member = await signedIn(t, 'member', { organization: org });
    expect(
      (await member.client.submit(`/licenses/${license.id}`, {}, `/licenses/${license.id}/reset-key`)).status,
    ).toBe(403);

    const reset = await admin.client.submit(`/licenses/${license.id}/reset-key`, {});
    expect(reset.status).toBe(303);
    const page = await admin.client.get(`/licenses/${license.id}`);
    const hint = textOf(page.text, '[data-masked-key]')!.slice(-5);
    expect(hint).not.toBe(key.slice(-5));
    expect(flashMessages(page.text).join(' ')).toContain(`new product key ending in ${hint}`);
    expect(textsOf(page.text, '[data-history] strong')).toContain('Product key replaced');
    const { LicensesService } = await import('../../src/modules/licenses/licenses.service');
    const found = await withContext(t.app, () => t.app.get(LicensesService).byKey(key));
    expect(found).toEqual({ unknown: true });
  });

  it('an org admin turns auto-renew off; members cannot', async () => {
    const org = await createOrganization(t.app);
    const { license } = await createLicense(t.app, { organization: org, autoRenew: true });
    const admin = await signedIn(t, 'admin', { organization: org });
    const member = await signedIn(t, 'member', { organization: org });
    const show = await member.client.get(`/licenses/${license.id}`);
    expect(show.text).not.toContain('Turn auto-renew off');
    expect(
      (
        await member.client.submit(
          `/licenses/${license.id}`,
          { autoRenew: 'off' },
          `/licenses/${license.id}/auto-renew`,
        )
      ).status,
    ).toBe(403);
    const off = await admin.client.submit(
      `/licenses/${license.id}`,
      { autoRenew: 'off' },
      `/licenses/${license.id}/auto-renew`,
    );
    expect(off.status).toBe(303);
    const page = await admin.client.get(`/licenses/${license.id}`);
    expect(textOf(page.text, '[data-auto-renew]')).toBe('Off');
    const bad = await admin.client.submit(
      `/licenses/${license.id}`,
      { autoRenew: 'maybe' },
      `/licenses/${license.id}/auto-renew`,
    );
    expect(bad.status).toBe(400);
    expect(errorSummary(bad.text)).toContain('Choose on or off.');
  });

  it('another organization’s license is 404; helpdesk never sees licenses', async () => {
    const mine = await createOrganization(t.app);
    const theirs = await createOrganization(t.app);
    const { license } = await createLicense(t.app, { organization: theirs });
    const admin = await signedIn(t, 'admin', { organization: mine });
    expect((await admin.client.get(`/licenses/${license.id}`)).status).toBe(404);
    expect((await admin.client.submit('/licenses', {}, `/licenses/${license.id}/reveal`)).status).toBe(404);
    expect((await admin.client.get('/admin/licenses')).status).toBe(403);
    const helpdesk = await signedIn(t, 'helpdesk');
    expect((await helpdesk.client.get('/licenses')).status).toBe(403);
    expect((await helpdesk.client.get(`/admin/licenses/${license.id}`)).status).toBe(403);
  });

  it('operators extend, suspend, reactivate and cancel, each in the history and the audit', async () => {
    const org = await createOrganization(t.app);
    const { license } = await createLicense(t.app, { organization: org, expiresInDays: -3 });
    const changes: string[] = [];
    t.app
      .get(EventEmitter2)
      .on('license.status_changed', (event: AppEventMap['license.status_changed']) =>
        changes.push(`${event.from} → ${event.to}`),
      );
    const path = `/admin/licenses/${license.id}`;
    let page = await operator.get(path);
    expect(textOf(page.text, '[data-state]')).toBe('Grace period');

    const early = await operator.submit(path, { expiresAt: '2026-01-01' }, `${path}/extend`);
    expect(early.status).toBe(400);
    expect(fieldError(early.text, 'expiresAt')).toContain('Choose a date after the current expiry');

    expect((await operator.submit(path, { expiresAt: '2028-01-31' }, `${path}/extend`)).status).toBe(303);
    page = await operator.get(path);
    expect(textOf(page.text, '[data-state]')).toBe('Active');

    expect((await operator.submit(path, { reason: '' }, `${path}/suspend`)).status).toBe(400);
    expect((await operator.submit(path, { reason: 'Unpaid invoice' }, `${path}/suspend`)).status).toBe(303);
    page = await operator.get(path);
    expect(textOf(page.text, '[data-state]')).toBe('Suspended');
    expect((await operator.submit(path, {}, `${path}/reactivate`)).status).toBe(303);
    // Cancelling cannot be undone: its own page, the reason beside the field.
    const confirm = await operator.get(`${path}/cancel`);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.text, 'button.btn-danger')).toBe('Cancel license');
    const noReason = await operator.submit(`${path}/cancel`, { reason: '' });
    expect(noReason.status).toBe(400);
    expect(fieldError(noReason.text, 'reason')).toBe('Say why, for the license’s history.');
    expect((await operator.submit(`${path}/cancel`, { reason: 'Customer left' })).status).toBe(303);
    page = await operator.get(path);
    expect(textOf(page.text, '[data-state]')).toBe('Cancelled');
    expect(textsOf(page.text, '[data-history] strong')).toEqual([
      'Cancelled',
      'Reactivated',
      'Suspended',
      'Term extended',
      'License created',
    ]);
    // A cancelled license stays cancelled.
    const again = await operator.submit(path, { reason: 'x' }, `${path}/suspend`);
    expect(again.status).toBe(409);
    expect(await audit('license.suspended')).toEqual([expect.stringContaining('Unpaid invoice')]);
    // The extension's audit entry keeps both expiry dates beside the status change.
    const [extended] = (await audit('license.extended')).map((details) => JSON.parse(details) as object);
    expect(extended).toMatchObject({ expires: '2028-01-31', from: 'grace', to: 'active' });
    expect(extended).toHaveProperty('previousExpiry');
    expect(textsOf(page.text, '[data-history] li')).toContainEqual(expect.stringContaining('Expires: 2028-01-31'));
    expect(attrOf(page.text, 'form[action$="/extend"]', 'action')).toBeUndefined();
    // Webhooks see every status change, the extension out of grace included.
    await t.app.get(AfterCommit).whenIdle();
    expect(changes).toEqual(['grace → active', 'active → suspended', 'suspended → active', 'active → cancelled']);
  });

  it('the renew-due job moves licenses to grace at expiry and to expired after GRACE_DAYS', async () => {
    const org = await createOrganization(t.app);
    const { license } = await createLicense(t.app, { organization: org, expiresInDays: 1 });
    const { LicensesService } = await import('../../src/modules/licenses/licenses.service');
    const lapse = () => withContext(t.app, () => t.app.get(LicensesService).lapseDue());
    const status = async () =>
      (await sql<{ status: string }>('select status from licenses where id = ?', license.id))[0].status;
    t.clock.advance(2 * 86_400);
    await lapse();
    expect(await status()).toBe('grace');
    t.clock.advance(14 * 86_400);
    await lapse();
    expect(await status()).toBe('expired');
    await lapse();
    const events = await sql<{ kind: string }>(
      'select kind from license_events where license_id = ? order by id',
      license.id,
    );
    expect(events.map((e) => e.kind)).toEqual(['created', 'grace_started', 'expired']);
  });
});

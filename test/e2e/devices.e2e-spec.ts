import { EntityManager } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { createLicense, createOrganization, createProduct } from '../../seeds/factories';
import { AfterCommit } from '../../src/platform/database/after-commit';
import { Sql } from '../../src/platform/database/sql';
import { withContext } from '../../src/platform/database/request-context';
import { LicensesService } from '../../src/modules/licenses/licenses.service';
import { deviceListQuery } from '../../src/modules/devices/devices.repository';
import { DevicesService } from '../../src/modules/devices/devices.service';
import { CatalogService } from '../../src/modules/catalog/catalog.service';
import { attrOf, attrsOf, fieldError, flashMessages, textOf, textsOf } from '../utils/html';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// The device pages: members their own devices, org admins all of the
// organization's; protection with its reason, kept current by heartbeats,
// license changes and the stale job.
describe('devices (/devices)', () => {
  let t: TestApp;
  const api = () => request(t.server);
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const seatsUsed = async (id: string) =>
    (await sql<{ n: number }>('select seats_used as n from licenses where id = ?', id))[0].n;
  let n = 0;
  const activate = async (key: string, name = `PC-${++n}`, platform = 'windows') =>
    (
      await api()
        .post('/api/v1/activations')
        .send({ productKey: key, deviceName: name, platform, fingerprint: `fingerprint-${++n}` })
    ).body as { deviceId: string; deviceToken: string };
  const heartbeat = (token: string, agentVersion = '8.2.0') =>
    api().post('/api/v1/heartbeat').set('Authorization', `Bearer ${token}`).send({ agentVersion });
  const protectionOf = async (id: string) =>
    (
      await sql<{ p: string; r: string }>(
        'select protection as p, protection_reason as r from devices where id = ?',
        id,
      )
    )[0];
  const idle = () => t.app.get(AfterCommit).whenIdle();

  beforeAll(async () => {
    t = await createTestApp({ ACTIVATION_RATE_LIMIT: '1000' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('lists the organization’s devices with protection and reason for admins; members see only their own', async () => {
    const org = await createOrganization(t.app);
    const { key } = await createLicense(t.app, { organization: org, seats: 5 });
    const admin = await signedIn(t, 'admin', { organization: org });
    const member = await signedIn(t, 'member', { organization: org });
    const device = await activate(key, 'RECEPTION-PC');
    await heartbeat(device.deviceToken);
    const list = await admin.client.get('/devices');
    expect(list.status).toBe(200);
    expect(textsOf(list.text, 'tbody td > a')).toEqual(['RECEPTION-PC']);
    expect(textOf(list.text, '[data-state]')).toBe('Protected');
    expect(textOf(list.text, '[data-count="protected"]')).toBe('1');
    expect(textsOf((await member.client.get('/devices')).text, 'tbody td > a')).toEqual([]);
    expect((await member.client.get(`/devices/${device.deviceId}`)).status).toBe(404);

    // The admin gives it to the member: now it is theirs to see.
    const saved = await admin.client.submit(`/devices/${device.deviceId}`, {
      name: 'Reception PC',
      ownerEmail: member.email,
    });
    expect(saved.status).toBe(303);
    expect(textsOf((await member.client.get('/devices')).text, 'tbody td > a')).toEqual(['Reception PC']);
    const nobody = await admin.client.submit(`/devices/${device.deviceId}`, {
      name: 'Reception PC',
      ownerEmail: 'stranger@example.test',
    });
    expect(nobody.status).toBe(400);
    expect(fieldError(nobody.text, 'ownerEmail')).toBe('Nobody in your organization has this address.');
  });

  it('the license page lists the devices on it: links for admins, names for members', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org, seats: 5 });
    const device = await activate(key, 'FRONT-DESK');
    const admin = await signedIn(t, 'admin', { organization: org });
    const member = await signedIn(t, 'member', { organization: org });
    const adminPage = await admin.client.get(`/licenses/${license.id}`);
    expect(textsOf(adminPage.text, '[data-license-devices] a')).toEqual(['FRONT-DESK', 'Release seat…']);
    expect(adminPage.text).toContain(`/devices/${device.deviceId}`);
    // Assign a seat: the device form with this license chosen; release: the device's remove page.
    expect(attrsOf(adminPage.text, '[data-license-devices] a', 'href')).toContain(`/devices/${device.deviceId}/remove`);
    const assign = await admin.client.get(`/devices/new?license=${license.id}`);
    expect(attrOf(assign.text, '#field-licenseId option[selected]', 'value')).toBe(license.id);
    const memberPage = await member.client.get(`/licenses/${license.id}`);
    expect(textOf(memberPage.text, '[data-license-devices] li')).toContain('FRONT-DESK');
    expect(memberPage.text).not.toContain(`/devices/${device.deviceId}`);
    expect(memberPage.text).not.toContain('Assign a seat');
  });

  it('another organization’s device is 404, and helpdesk and operators have no device pages', async () => {
    const mine = await createOrganization(t.app);
    const theirs = await createOrganization(t.app);
    const { key } = await createLicense(t.app, { organization: theirs });
    const device = await activate(key);
    const admin = await signedIn(t, 'admin', { organization: mine });
    expect((await admin.client.get(`/devices/${device.deviceId}`)).status).toBe(404);
    expect((await admin.client.submit('/devices', {}, `/devices/${device.deviceId}/remove`)).status).toBe(404);
    for (const role of ['helpdesk', 'operator'] as const) {
      expect((await (await signedIn(t, role)).client.get('/devices')).status).toBe(403);
    }
  });

  it('a device added by hand holds a seat until its agent claims it by name; removing frees the seat', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org, seats: 2 });
    const member = await signedIn(t, 'member', { organization: org });
    const added = await member.client.submit(
      '/devices/new',
      { name: 'Anna-Phone', platform: 'android', licenseId: license.id },
      '/devices',
    );
    expect(added.status).toBe(303);
    const id = (added.headers.location as string).split('/').pop()!;
    expect(await seatsUsed(license.id)).toBe(1);
    expect((await protectionOf(id)).p).toBe('unprotected');

    const claimed = await activate(key, 'anna-phone', 'android');
    expect(claimed.deviceId).toBe(id);
    expect(await seatsUsed(license.id)).toBe(1);
    await heartbeat(claimed.deviceToken);
    expect((await protectionOf(id)).p).toBe('protected');
    // Still the member's device.
    expect((await member.client.get(`/devices/${id}`)).status).toBe(200);

    const full = await member.client.submit(
      '/devices/new',
      { name: 'Two', platform: 'android', licenseId: license.id },
      '/devices',
    );
    expect(full.status).toBe(303);
    const none = await member.client.submit(
      '/devices/new',
      { name: 'Three', platform: 'android', licenseId: license.id },
      '/devices',
    );
    expect(none.status).toBe(400);
    expect(fieldError(none.text, 'licenseId')).toContain('is in use (2 of 2)');

    expect((await member.client.submit(`/devices/${id}/remove`, {})).status).toBe(303);
    expect(await seatsUsed(license.id)).toBe(1);
    expect((await heartbeat(claimed.deviceToken)).status).toBe(401);
  });

  it('moves a device to another license, freeing its old seat', async () => {
    const org = await createOrganization(t.app);
    const product = await createProduct(t.app);
    const a = await createLicense(t.app, { organization: org, product, seats: 1 });
    const b = await createLicense(t.app, { organization: org, product, seats: 1 });
    const admin = await signedIn(t, 'admin', { organization: org });
    const device = await activate(a.key);
    const moved = await admin.client.submit(
      `/devices/${device.deviceId}`,
      { licenseId: b.license.id },
      `/devices/${device.deviceId}/move`,
    );
    expect(moved.status).toBe(303);
    expect([await seatsUsed(a.license.id), await seatsUsed(b.license.id)]).toEqual([0, 1]);
    const full = await admin.client.submit(
      `/devices/${device.deviceId}`,
      { licenseId: a.license.id },
      `/devices/${device.deviceId}/move`,
    );
    expect(full.status).toBe(303);
    const other = await createLicense(t.app, { organization: await createOrganization(t.app), product });
    const foreign = await admin.client.submit(
      `/devices/${device.deviceId}`,
      { licenseId: other.license.id },
      `/devices/${device.deviceId}/move`,
    );
    expect(foreign.status).toBe(400);
    expect(fieldError(foreign.text, 'licenseId')).toBe('Choose one of your organization’s licenses.');

    // The same agent (fingerprint) activated on both licenses: moving one onto the other is refused, not a 500.
    const fp = `twice-${++n}-fingerprint`;
    const d = await createLicense(t.app, { organization: org, product, seats: 2 });
    const onA = (
      await api()
        .post('/api/v1/activations')
        .send({ productKey: d.key, deviceName: 'TWICE', platform: 'windows', fingerprint: fp })
    ).body as { deviceId: string };
    const c = await createLicense(t.app, { organization: org, product, seats: 2 });
    await api()
      .post('/api/v1/activations')
      .send({ productKey: c.key, deviceName: 'TWICE', platform: 'windows', fingerprint: fp });
    const twice = await admin.client.submit(
      `/devices/${onA.deviceId}`,
      { licenseId: c.license.id },
      `/devices/${onA.deviceId}/move`,
    );
    expect(twice.status).toBe(400);
    expect(fieldError(twice.text, 'licenseId')).toContain('is activated on');
  });

  it('protection follows time, the license and the catalog: at risk after 24 h, unprotected after 30 days or when suspended', async () => {
    const org = await createOrganization(t.app);
    const product = await createProduct(t.app, { agentVersion: '8.2.0' });
    const { license, key } = await createLicense(t.app, { organization: org, product });
    const device = await activate(key);
    await heartbeat(device.deviceToken);
    expect((await protectionOf(device.deviceId)).p).toBe('protected');
    const stale = () => withContext(t.app, () => t.app.get(DevicesService).markStale());

    t.clock.advance(25 * 3600);
    await stale();
    expect(await protectionOf(device.deviceId)).toEqual({ p: 'at_risk', r: 'Not seen for 1 day.' });
    await heartbeat(device.deviceToken);
    expect((await protectionOf(device.deviceId)).p).toBe('protected');

    t.clock.advance(31 * 86_400);
    await stale();
    expect(await protectionOf(device.deviceId)).toEqual({ p: 'unprotected', r: 'Not seen for 31 days.' });
    const audit = await sql<{ details: string }>(
      `select details from audit_entries where action = 'device.marked_stale' and organization_id = ?`,
      org.id,
    );
    expect(audit.length).toBeGreaterThanOrEqual(2);
    await heartbeat(device.deviceToken);

    await withContext(t.app, () => t.app.get(LicensesService).suspend(license.id, 'unpaid'));
    await idle();
    expect(await protectionOf(device.deviceId)).toEqual({ p: 'unprotected', r: 'Its license is suspended.' });
    await withContext(t.app, () => t.app.get(LicensesService).reactivate(license.id));
    await idle();
    expect((await protectionOf(device.deviceId)).p).toBe('protected');

    await withContext(t.app, () =>
      t.app
        .get(CatalogService)
        .updateProduct(product.id, { name: product.name, platforms: product.platforms, agentVersion: '8.3.0' }),
    );
    await idle();
    expect((await protectionOf(device.deviceId)).r).toBe('Agent 8.2.0 is outdated: update to 8.3.0.');
  });

  it('says the reason as of now while the protection stays the same', async () => {
    const org = await createOrganization(t.app);
    const { key } = await createLicense(t.app, { organization: org });
    const device = await activate(key, 'QUIET-PC');
    await heartbeat(device.deviceToken);
    t.clock.advance(25 * 3600);
    await withContext(t.app, () => t.app.get(DevicesService).markStale());
    t.clock.advance(5 * 86_400);
    const admin = await signedIn(t, 'admin', { organization: org });
    const page = await admin.client.get(`/devices/${device.deviceId}`);
    expect(textOf(page.text, '[data-state]')).toBe('At risk');
    expect(textOf(page.text, '[data-reason]')).toBe('Not seen for 6 days.');
  });

  it('shows seats per license and reclaims stale seats after a preview', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org, seats: 4 });
    const old = await activate(key, 'OLD-PC');
    await heartbeat(old.deviceToken);
    t.clock.advance(40 * 86_400);
    const fresh = await activate(key, 'NEW-PC');
    await heartbeat(fresh.deviceToken);
    const admin = await signedIn(t, 'admin', { organization: org });

    const seats = await admin.client.get('/devices/seats');
    expect(textOf(seats.text, `[data-license="${license.id}"] [data-assigned]`)).toBe('2');
    expect(textOf(seats.text, `[data-license="${license.id}"] [data-seen]`)).toBe('1');
    expect(textOf(seats.text, `[data-license="${license.id}"] [data-runs-out]`)).toBe('In about 60 days');

    const preview = await admin.client.get('/devices/reclaim?days=30');
    expect(attrsOf(preview.text, 'tbody tr[data-device]', 'data-device')).toEqual([old.deviceId]);
    expect(textOf(preview.text, 'tbody tr[data-device] td')).toContain('OLD-PC');
    const done = await admin.client.submit(
      '/devices/reclaim?days=30',
      { days: '30', deviceIds: old.deviceId },
      '/devices/reclaim',
    );
    expect(done.status).toBe(303);
    expect(flashMessages((await admin.client.get('/devices/seats')).text).join(' ')).toContain(
      '1 stale device was removed',
    );
    expect(await seatsUsed(license.id)).toBe(1);
    const member = await signedIn(t, 'member', { organization: org });
    expect((await member.client.get('/devices/seats')).status).toBe(403);
  });

  it('lists through its indexes: a later page seeks to its cursor, never reading the pages before it', async () => {
    const org = await createOrganization(t.app);
    const cursor = ['pc-0500', '00000000-0000-4000-8000-000000000000'];
    const plans: string[] = [];
    for (const [filter, request] of [
      [{}, { after: null, before: null, limit: 25 }],
      [{}, { after: cursor, before: null, limit: 25 }],
      [{}, { after: null, before: cursor, limit: 25 }],
      [
        { protection: 'at_risk', platform: 'windows' },
        { after: cursor, before: null, limit: 25 },
      ],
      [{ ownerId: org.id }, { after: cursor, before: null, limit: 25 }],
    ] as const) {
      const { sql: text, params } = deviceListQuery({ organizationId: org.id, ...filter }, request);
      // Bound parameters, as the repository runs it (values written into the text plan differently).
      const plan = await withContext(t.app, () =>
        t.app.get(Sql).all<{ detail: string }>(`explain query plan ${text}`, params),
      );
      plans.push(plan.map((row) => row.detail).join(' | '));
    }
    for (const plan of plans) {
      expect(plan).not.toMatch(/SCAN (devices|d)\b/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
    expect(plans[1]).toContain('devices_org_name (organization_id=? AND name_key>?)');
    expect(plans[2]).toContain('devices_org_name (organization_id=? AND name_key<?)');
    expect(plans[3]).toContain('(organization_id=? AND protection=? AND platform=? AND name_key>?)');
  });
});

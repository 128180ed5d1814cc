import { EntityManager } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { createLicense, createOrganization, createProduct } from '../../seeds/factories';
import { AfterCommit } from '../../src/platform/database/after-commit';
import { withContext } from '../../src/platform/database/request-context';
import { LicensesService } from '../../src/modules/licenses/licenses.service';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// The device agent API: activation by product key, heartbeat and
// deactivation by device token, exactly as the contract says.
describe('device agent API (/api/v1)', () => {
  let t: TestApp;
  const api = () => request(t.server);
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const seatsUsed = async (id: string) =>
    (await sql<{ n: number }>('select seats_used as n from licenses where id = ?', id))[0].n;
  const activate = (body: Record<string, unknown>) => api().post('/api/v1/activations').send(body);
  let fingerprint = 0;
  const agent = (productKey: string, extra: Record<string, unknown> = {}) => ({
    productKey,
    deviceName: `Laptop ${++fingerprint}`,
    platform: 'windows',
    fingerprint: `fp-${fingerprint}-${'x'.repeat(8)}`,
    ...extra,
  });

  beforeAll(async () => {
    t = await createTestApp({ ACTIVATION_RATE_LIMIT: '1000' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('activates with a product key (201), the same fingerprint again gets the same device (200) and a new token', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org, seats: 3 });
    const body = agent(key.toLowerCase().replace(/-/g, ' '));
    const first = await activate(body);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      deviceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      deviceToken: expect.stringMatching(/^sdd_/),
    });
    expect(await seatsUsed(license.id)).toBe(1);

    const again = await activate(body);
    expect(again.status).toBe(200);
    expect(again.body.deviceId).toBe(first.body.deviceId);
    expect(again.body.deviceToken).not.toBe(first.body.deviceToken);
    expect(await seatsUsed(license.id)).toBe(1);
    // The old token no longer works; the new one does.
    const old = await api()
      .post('/api/v1/heartbeat')
      .set('Authorization', `Bearer ${first.body.deviceToken}`)
      .send({ agentVersion: '8.2.0' });
    expect(old.status).toBe(401);
    const beat = await api()
      .post('/api/v1/heartbeat')
      .set('Authorization', `Bearer ${again.body.deviceToken}`)
      .send({ agentVersion: '8.2.0', signaturesVersion: '2026.12.04.1' });
    expect(beat.status).toBe(204);
    const [device] = await sql<{ protection: string; agent: string; sig: string }>(
      'select protection, agent_version as agent, signatures_version as sig from devices where id = ?',
      first.body.deviceId,
    );
    expect(device).toEqual({ protection: 'protected', agent: '8.2.0', sig: '2026.12.04.1' });
    const audit = await sql<{ action: string }>(
      `select action from audit_entries where target_id = ? order by id`,
      first.body.deviceId,
    );
    expect(audit.map((a) => a.action)).toEqual(['device.activated', 'device.reactivated']);
  });

  it('answers bad bodies with field messages, typos before any lookup, unknown 404, lapsed 410', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org });
    const bad = await activate({ productKey: key, deviceName: '', platform: 'beos', fingerprint: 'x', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad request' });
    expect(Object.keys(bad.body.fields).sort()).toEqual(['_form', 'deviceName', 'fingerprint', 'platform']);

    const typo = key.slice(0, -1) + (key.endsWith('Z') ? 'Y' : 'Z');
    const typoed = await activate(agent(typo));
    expect(typoed.status).toBe(400);
    expect(typoed.body.fields).toEqual({ productKey: 'This product key has a typo: check each character again.' });

    const unknown = await activate(agent('22222-22222-22222-22222-22222'.replace(/.$/, 'X')));
    expect([400, 404]).toContain(unknown.status);
    const real = (await import('../../src/modules/licenses/product-key')).generateProductKey();
    const missing = await activate(agent(real));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'unknown_product_key' });

    await withContext(t.app, () => t.app.get(LicensesService).suspend(license.id, 'test'));
    const suspended = await activate(agent(key));
    expect(suspended.status).toBe(410);
    expect(suspended.body.error).toBe('license_suspended');

    const expired = await createLicense(t.app, { organization: org, expiresInDays: -60 });
    const gone = await activate(agent(expired.key));
    expect(gone.status).toBe(410);
    expect(gone.body.error).toBe('license_expired');

    const mac = await createProduct(t.app, { platforms: 'macos' });
    const macLicense = await createLicense(t.app, { organization: org, product: mac });
    const wrongPlatform = await activate(agent(macLicense.key, { platform: 'windows' }));
    expect(wrongPlatform.status).toBe(400);
    expect(wrongPlatform.body.fields.platform).toContain('runs on macOS only');
  });

  it('never sells more seats than a license has: 50 activations at once for the last seat, exactly one wins', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org, seats: 3 });
    expect((await activate(agent(key))).status).toBe(201);
    expect((await activate(agent(key))).status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 50 }, () => activate(agent(key))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(answers.find((a) => a.status === 409)!.body).toMatchObject({ statusCode: 409, error: 'no_seat_available' });
    expect(await seatsUsed(license.id)).toBe(3);
    expect((await sql<{ n: number }>('select count(*) as n from devices where license_id = ?', license.id))[0].n).toBe(
      3,
    );
  });

  it('deactivates a device with its own token only; the seat is free again', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org, seats: 2 });
    const a = (await activate(agent(key))).body;
    const b = (await activate(agent(key))).body;
    const other = await api()
      .delete(`/api/v1/activations/${b.deviceId}`)
      .set('Authorization', `Bearer ${a.deviceToken}`);
    expect(other.status).toBe(404);
    const own = await api().delete(`/api/v1/activations/${a.deviceId}`).set('Authorization', `Bearer ${a.deviceToken}`);
    expect(own.status).toBe(204);
    expect(await seatsUsed(license.id)).toBe(1);
    expect(
      (
        await api()
          .post('/api/v1/heartbeat')
          .set('Authorization', `Bearer ${a.deviceToken}`)
          .send({ agentVersion: '8.2.0' })
      ).status,
    ).toBe(401);
    expect((await activate(agent(key))).status).toBe(201);
  });

  it('accepts bearer tokens only: no token, a wrong one, or a session cookie are 401', async () => {
    const none = await api().post('/api/v1/heartbeat').send({ agentVersion: '8.2.0' });
    expect(none.status).toBe(401);
    const wrong = await api()
      .post('/api/v1/heartbeat')
      .set('Authorization', 'Bearer sdd_nope')
      .send({ agentVersion: '8.2.0' });
    expect(wrong.status).toBe(401);
    const admin = await signedIn(t, 'admin');
    const cookie = await admin.client.agent.post('/api/v1/heartbeat').send({ agentVersion: '8.2.0' });
    expect(cookie.status).toBe(401);
    // An unknown address under /api does not say it is unknown to a stranger.
    expect((await api().get('/api/v1/nothing-here')).status).toBe(401);
  });

  it('heartbeats check their body, and an outdated agent is at risk with the reason', async () => {
    const org = await createOrganization(t.app);
    const { key } = await createLicense(t.app, { organization: org });
    const { deviceId, deviceToken } = (await activate(agent(key))).body;
    const bad = await api()
      .post('/api/v1/heartbeat')
      .set('Authorization', `Bearer ${deviceToken}`)
      .send({ agentVersion: 'latest' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.agentVersion).toBe('Send the agent version as numbers with dots, like 8.2.1.');
    await api().post('/api/v1/heartbeat').set('Authorization', `Bearer ${deviceToken}`).send({ agentVersion: '8.1.0' });
    const [row] = await sql<{ protection: string; reason: string }>(
      'select protection, protection_reason as reason from devices where id = ?',
      deviceId,
    );
    expect(row).toEqual({ protection: 'at_risk', reason: 'Agent 8.1.0 is outdated: update to 8.2.0.' });
    await t.app.get(AfterCommit).whenIdle();
  });

  it('limits activations per product key and address', async () => {
    const limited = await createTestApp({ ACTIVATION_RATE_LIMIT: '3' });
    try {
      const org = await createOrganization(limited.app);
      const { key } = await createLicense(limited.app, { organization: org, seats: 10 });
      const answers: number[] = [];
      for (let i = 0; i < 4; i++)
        answers.push((await request(limited.server).post('/api/v1/activations').send(agent(key))).status);
      expect(answers).toEqual([201, 201, 201, 429]);
    } finally {
      await limited.close();
    }
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { join } from 'node:path';
import request from 'supertest';
import { createLicense, createOrganization, createPerson } from '../../seeds/factories';
import { PROJECT_ROOT } from '../../src/config/paths';
import { withContext } from '../../src/platform/database/request-context';
import { MailService } from '../../src/platform/mail/mail.service';
import { MODULE_CATALOG } from '../../src/platform/module-host/module-catalog';
import { attrOf, attrsOf, pageText, textOf, textsOf } from '../utils/html';
import { Client } from '../utils/http';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// Cards come from what modules and plugins declare (their manifests), per role.
describe('dashboard widgets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(
      { PLUGINS: 'hello', ACTIVATION_RATE_LIMIT: '1000' },
      { pluginsDir: join(PROJECT_ROOT, 'test/fixtures/plugins') },
    );
    await createOperator(t); // setup done: every page is open
  });
  afterAll(() => t.close());

  it('shows every role the sign-in security card its module declares, with the person’s own state', async () => {
    expect(MODULE_CATALOG.widgets.map((w) => w.id)).toContain('account-security');
    for (const role of ['member', 'admin', 'helpdesk', 'operator'] as const) {
      const { client } = await signedIn(t, role);
      const page = (await client.get('/dashboard')).text;
      expect(textOf(page, '#widget-account-security .card-title')).toBe('Sign-in security');
      expect(textOf(page, '#widget-account-security .badge')).toBe('Off');
      expect(textOf(page, '#widget-account-security a')).toBe('Turn on two-factor sign-in');
    }
  });

  it('shows a plugin’s card only to the roles of its navigation (operators here)', async () => {
    const operator = (await (await signedIn(t, 'operator')).client.get('/dashboard')).text;
    expect(textsOf(operator, '.card-title')).toContain('Hello card');
    expect(textOf(operator, '#widget-hello-hello #hello-greeting')).toMatch(/^Hello, Test Operator/);
    const member = (await (await signedIn(t, 'member')).client.get('/dashboard')).text;
    expect(textsOf(member, '.card-title')).not.toContain('Hello card');
  });

  it('renders a plugin’s card with what its data provider loads, and hides it when that is null', async () => {
    const operator = (await (await signedIn(t, 'operator')).client.get('/dashboard')).text;
    expect(textOf(operator, '#widget-hello-role .card-title')).toBe('Hello role card');
    // The provider's data, not the default name and organization.
    expect(textOf(operator, '#widget-hello-role #hello-role')).toMatch(/^You are operator; \d+ greeted\.$/);
    const helpdesk = (await (await signedIn(t, 'helpdesk')).client.get('/dashboard')).text;
    expect(textsOf(helpdesk, '.card-title')).not.toContain('Hello role card');
  });

  // Devices come in as the agent brings them: activation with the product key, then heartbeats.
  let n = 0;
  const activate = async (key: string, name: string) => {
    const res = await request(t.server)
      .post('/api/v1/activations')
      .send({ productKey: key, deviceName: name, platform: 'windows', fingerprint: `dashboard-${++n}` });
    if (res.status !== 201) throw new Error(`activation: ${res.status} ${res.text}`);
    return res.body as { deviceId: string; deviceToken: string };
  };
  const heartbeat = (token: string, agentVersion: string) =>
    request(t.server).post('/api/v1/heartbeat').set('Authorization', `Bearer ${token}`).send({ agentVersion });
  const countsOf = (page: string) =>
    Object.fromEntries(
      ['protected', 'at_risk', 'unprotected'].map((key) => [
        key,
        textOf(page, `#widget-protection [data-count="${key}"]`),
      ]),
    );

  it('shows an admin the organization’s protection, devices needing attention and subscriptions, each number linked', async () => {
    const org = await createOrganization(t.app);
    const { license, key } = await createLicense(t.app, { organization: org, seats: 5, expiresInDays: 20 });
    await createLicense(t.app, { organization: org, seats: 10, expiresInDays: 200 });
    const admin = await signedIn(t, 'admin', { organization: org });
    const ok = await activate(key, 'Front-Desk');
    expect((await heartbeat(ok.deviceToken, '8.2.0')).status).toBeLessThan(300);
    const old = await activate(key, 'Back-Office');
    expect((await heartbeat(old.deviceToken, '7.0.0')).status).toBeLessThan(300); // an outdated agent: at risk
    await activate(key, 'Never-Reported'); // no heartbeat: unprotected

    const page = (await admin.client.get('/dashboard')).text;
    expect(pageText(page)).not.toContain('Nothing to show yet');
    // The donut is an image with its numbers in words, and the same numbers as linked text beside it.
    expect(attrOf(page, '#widget-protection svg', 'role')).toBe('img');
    expect(textOf(page, '#widget-protection svg title')).toBe('Devices: 1 protected, 1 at risk, 1 unprotected');
    expect(countsOf(page)).toEqual({ protected: '1', at_risk: '1', unprotected: '1' });
    expect(attrsOf(page, '#widget-protection [data-count]', 'href')).toEqual([
      '/devices?protection=protected',
      '/devices?protection=at_risk',
      '/devices?protection=unprotected',
    ]);
    const unprotected = (await admin.client.get('/devices?protection=unprotected')).text;
    expect(textsOf(unprotected, 'tbody td > a')).toEqual(['Never-Reported']);
    // Worst first, with the reason, each linked to its device.
    expect(textsOf(page, '#widget-attention [data-attention] li > a')).toEqual(['Never-Reported', 'Back-Office']);
    expect(attrsOf(page, '#widget-attention [data-attention] li > a', 'href')[1]).toBe(`/devices/${old.deviceId}`);

    // Subscriptions: seat use as a bar and in words, days to expiry, an alert under 30 days.
    const item = `#widget-subscriptions [data-license="${license.id}"]`;
    expect(textOf(page, `${item} [data-seats]`)).toBe('3 of 5 used');
    expect(attrOf(page, `${item} svg`, 'role')).toBe('img');
    expect(attrOf(page, `${item} svg`, 'aria-label')).toMatch(/3 of 5 used seats$/);
    expect(textOf(page, `${item} [data-days-left]`)).toBe('20 days left');
    expect(attrOf(page, `${item} a`, 'href')).toBe(`/licenses/${license.id}`);
    expect(textsOf(page, '#widget-subscriptions [data-expiry-alert]')).toEqual([
      expect.stringMatching(/…\w+: 20 days left\. Renew it before it expires\.$/),
    ]);
    expect(textsOf(page, '#widget-subscriptions [data-seats]')).toHaveLength(2);

    // Quick actions: the pages that exist today (Get help since the support module).
    expect(textsOf(page, '#widget-quick-actions a')).toEqual(['Add device', 'Download', 'Renew', 'Get help']);
    expect(attrsOf(page, '#widget-quick-actions a', 'href')).toEqual([
      '/devices/new',
      '/downloads',
      '/licenses',
      '/support',
    ]);
  });

  it('shows a member only their own devices’ counts', async () => {
    const org = await createOrganization(t.app);
    const { key } = await createLicense(t.app, { organization: org, seats: 5 });
    const admin = await signedIn(t, 'admin', { organization: org });
    const member = await signedIn(t, 'member', { organization: org });
    const mine = await activate(key, 'Member-Laptop');
    await heartbeat(mine.deviceToken, '7.0.0');
    await activate(key, 'Someone-Else');
    await activate(key, 'Third-PC');
    const given = await admin.client.submit(`/devices/${mine.deviceId}`, {
      name: 'Member-Laptop',
      ownerEmail: member.email,
    });
    expect(given.status).toBe(303);

    const page = (await member.client.get('/dashboard')).text;
    expect(countsOf(page)).toEqual({ protected: '0', at_risk: '1', unprotected: '0' });
    expect(textOf(page, '#widget-protection svg title')).toBe('Your devices: 0 protected, 1 at risk, 0 unprotected');
    expect(textsOf(page, '#widget-attention [data-attention] li > a')).toEqual(['Member-Laptop']);
    expect(textsOf(page, '#widget-quick-actions a')).toEqual(['Add device', 'Download', 'Get help']);
    // The admin counts the organization's.
    expect(countsOf((await admin.client.get('/dashboard')).text)).toEqual({
      protected: '0',
      at_risk: '1',
      unprotected: '2',
    });
  });

  it('tells an organization without licenses or devices what to do next', async () => {
    const org = await createOrganization(t.app);
    const admin = await signedIn(t, 'admin', { organization: org });
    const page = (await admin.client.get('/dashboard')).text;
    expect(textOf(page, '#widget-subscriptions [data-empty] .empty-title')).toBe('No licenses yet');
    expect(textOf(page, '#widget-subscriptions [data-empty]')).toContain('Ask your SeatDesk provider');
    expect(textOf(page, '#widget-protection [data-empty] .empty-title')).toBe('No devices yet');
    expect(attrOf(page, '#widget-protection [data-empty] a', 'href')).toBe('/devices/new');
    expect(textOf(page, '#widget-attention')).toContain('No device needs attention.');
    expect(pageText(page)).not.toContain('Nothing to show yet');
  });

  it('shows each role its own cards and never another’s', async () => {
    const org = await createOrganization(t.app);
    const cards = async (role: 'member' | 'admin' | 'helpdesk' | 'operator') => {
      const { client } = await signedIn(t, role, role === 'member' || role === 'admin' ? { organization: org } : {});
      return attrsOf((await client.get('/dashboard')).text, 'section.card', 'id');
    };
    const orgCards = ['widget-quick-actions', 'widget-subscriptions', 'widget-protection', 'widget-attention'];
    for (const role of ['member', 'admin'] as const) {
      const ids = await cards(role);
      expect(ids).toEqual(expect.arrayContaining(orgCards));
      expect(ids).not.toContain('widget-install-overview');
      expect(ids).not.toContain('widget-helpdesk');
    }
    for (const role of ['helpdesk', 'operator'] as const) {
      const ids = await cards(role);
      for (const id of orgCards) expect(ids).not.toContain(id);
    }
  });
});

// Staff get their own cards: operators the install's numbers, helpdesk the people to help.
describe('staff dashboards', () => {
  let t: TestApp;
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const fail = async (email: string) => {
    for (let i = 0; i < 3; i++) expect((await new Client(t.server).signIn(email, 'wrong-password-1')).status).toBe(401);
  };
  beforeAll(async () => {
    t = await createTestApp({ ACTIVATION_RATE_LIMIT: '1000', LOCKOUT_MAX_FAILURES: '3' });
  });
  afterAll(() => t.close());

  it('shows operators the install overview and helpdesk its card, each number as the data says, linked', async () => {
    const operator = await signedIn(t, 'operator');
    const agent = await signedIn(t, 'helpdesk');
    const orgA = await createOrganization(t.app);
    const orgB = await createOrganization(t.app);
    const { key } = await createLicense(t.app, { organization: orgA, seats: 5, expiresInDays: 10 });
    await createLicense(t.app, { organization: orgB, seats: 10, expiresInDays: 200 });
    const api = () => request(t.server);
    const first = await api()
      .post('/api/v1/activations')
      .send({ productKey: key, deviceName: 'PC-1', platform: 'windows', fingerprint: 'fingerprint-1' });
    await api()
      .post('/api/v1/heartbeat')
      .set('Authorization', `Bearer ${(first.body as { deviceToken: string }).deviceToken}`)
      .send({ agentVersion: '8.2.0' });
    await api()
      .post('/api/v1/activations')
      .send({ productKey: key, deviceName: 'PC-2', platform: 'windows', fingerprint: 'fingerprint-2' });
    // A failed message, a failing job, two lockouts today (one lifted by the agent), two-factor for the operator.
    const mailId = await withContext(t.app, () => t.app.get(MailService).sendTest('someone@example.test'));
    await t.app.get(MailService).whenIdle();
    await sql(`update mail_messages set status = 'failed' where id = ?`, mailId);
    await sql(
      `insert into job_runs (name, trigger, started_at, finished_at, outcome, error) values (?, 'schedule', ?, ?, 'failed', 'boom')`,
      'licenses.renew-due',
      +t.clock.now(),
      +t.clock.now(),
    );
    const stays = await createPerson(t.app, { organization: orgA, name: 'Lena Locked' });
    const lifted = await createPerson(t.app, { organization: orgB, name: 'Ulf Unlocked' });
    await fail(stays.email);
    await fail(lifted.email);
    const unlocked = await agent.client.submit(`/admin/users/${lifted.person.id}/unlock`, {
      reason: 'phone_callback',
      note: 'Ticket 1',
      confirmedIdentity: 'yes',
      confirmedChannel: 'yes',
    });
    expect(unlocked.status).toBe(303);
    await sql('update people set totp_enabled_at = ? where id = ?', +t.clock.now(), operator.person.id);

    const page = (await operator.client.get('/dashboard')).text;
    const number = (key: string) => textOf(page, `#widget-install-overview [data-number="${key}"]`);
    const link = (key: string) => attrOf(page, `#widget-install-overview [data-number="${key}"] a`, 'href');
    expect(number('organizations')).toBe('2');
    expect(link('organizations')).toBe('/admin/organizations');
    expect(number('seats')).toBe('2 of 15 used');
    expect(link('seats')).toBe('/admin/licenses');
    expect(number('expiring')).toBe('1');
    expect(link('expiring')).toBe('/admin/licenses?expiring=30');
    expect(number('unprotected')).toBe('1');
    expect(number('failed-mail')).toBe('1');
    expect(link('failed-mail')).toBe('/admin/mail?status=failed');
    expect(number('failing-jobs')).toBe('1');
    expect(link('failing-jobs')).toBe('/admin/jobs');
    expect(number('lockouts')).toBe('2');
    const today = t.clock.now().toISOString().slice(0, 10);
    expect(link('lockouts')).toBe(`/admin/audit?action=auth.lockout.started&from=${today}`);
    // Active: the operator, the agent and the two people; two-factor: the operator.
    expect(number('two-factor')).toBe('25% (1 of 4 active people)');
    expect(attrsOf(page, '#widget-install-overview svg', 'role')).toEqual(['img', 'img']);
    expect(attrsOf(page, '#widget-install-overview svg', 'aria-label')).toEqual([
      'Seats: 2 of 15 used',
      'Two-factor: 25% (1 of 4 active people)',
    ]);
    // The lists behind the numbers say the same.
    const expiringList = (await operator.client.get('/admin/licenses?expiring=30')).text;
    expect(textsOf(expiringList, 'tbody tr')).toHaveLength(1);
    expect(textsOf((await operator.client.get('/admin/licenses')).text, 'tbody tr')).toHaveLength(2);
    const failed = (await operator.client.get('/admin/mail?status=failed')).text;
    expect(pageText(failed)).toContain('someone@example.test');
    const lockouts = (await operator.client.get(link('lockouts')!)).text;
    expect(textsOf(lockouts, 'tbody tr')).toHaveLength(2);
    expect(attrsOf(page, 'section.card', 'id')).not.toContain('widget-helpdesk');

    const desk = (await agent.client.get('/dashboard')).text;
    expect(attrsOf(desk, 'section.card', 'id')).not.toContain('widget-install-overview');
    expect(textOf(desk, '#widget-helpdesk [data-number="locked"]')).toBe('1');
    expect(attrOf(desk, '#widget-helpdesk [data-number="locked"]', 'href')).toBe('/admin/users?status=locked');
    const lockedList = (await agent.client.get('/admin/users?status=locked')).text;
    expect(textsOf(lockedList, 'tbody td > a')).toEqual(['Lena Locked']);
    expect(textsOf(desk, '#widget-helpdesk [data-locked] a')).toEqual(['Lena Locked']);
    expect(attrOf(desk, '#widget-helpdesk [data-locked] a', 'href')).toBe(`/admin/users/${stays.person.id}`);
    expect(textOf(desk, '#widget-support-queue [data-nothing-waiting]')).toBe('Nothing waits on you.');
    expect(textsOf(desk, '#widget-helpdesk [data-recent] [data-action]')).toEqual([
      MODULE_CATALOG.describeAction('user.unlocked'),
    ]);
    expect(attrOf(desk, '#widget-helpdesk [data-recent] a', 'href')).toBe(`/admin/users/${lifted.person.id}`);
  });
});

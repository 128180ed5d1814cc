import { EntityManager } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { withContext } from '../../src/platform/database/request-context';
import { attrsOf, fieldError, fieldValue, isInvalid, pageText } from '../utils/html';
import { Client, csrfFrom } from '../utils/http';
import { createTestApp, type TestApp } from '../utils/test-app';

const GOOD = {
  orgName: 'Northwind Security',
  name: 'Olive Operator',
  email: 'Olive@Northwind.test',
  password: 'tangerine-quartz-meadow-81',
  confirmPassword: 'tangerine-quartz-meadow-81',
};

describe('first-run setup', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('sends every page to /setup while no operator exists, but not the health probes', async () => {
    for (const path of ['/', '/dashboard', '/login', '/admin/organizations', '/no-such-page']) {
      const res = await request(t.server).get(path).redirects(0);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/setup');
    }
    expect((await request(t.server).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(t.server).get('/readyz')).status).toBe(200);
  });

  it('shows the setup form with password-manager friendly fields', async () => {
    const res = await request(t.server).get('/setup');
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="orgName"');
    expect(res.text).toMatch(/name="email"[^>]*autocomplete="username"|autocomplete="username"[^>]*name="email"/);
    expect(res.text.match(/autocomplete="new-password"/g)).toHaveLength(2);
    expect(res.text).toContain('At least 12 characters');
  });

  it('refuses a POST without the CSRF token', async () => {
    const res = await new Client(t.server).postWithoutCsrf('/setup', GOOD);
    expect(res.status).toBe(403);
  });

  it('re-renders bad input with the messages beside the fields, keeping input but never passwords', async () => {
    const client = new Client(t.server);
    const res = await client.submit('/setup', {
      ...GOOD,
      email: 'not-an-email',
      password: 'short',
      confirmPassword: 'short',
    });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'email')).toBe('Enter an email address like name@example.com.');
    expect(isInvalid(res.text, 'email')).toBe(true);
    expect(fieldValue(res.text, 'orgName')).toBe('Northwind Security');
    expect(fieldValue(res.text, 'email')).toBe('not-an-email');
    // A refused password is never sent back.
    expect(fieldValue(res.text, 'password')).toBe('');
    expect(res.text).not.toContain('value="short"');
    expect(attrsOf(res.text, '.app-error-list a', 'href')).toContain('#field-email');

    const weak = await client.submit('/setup', { ...GOOD, password: 'short', confirmPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('Use at least 12 characters.');

    const mismatch = await client.submit('/setup', { ...GOOD, confirmPassword: 'something-else-entirely-9' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('The two passwords are not the same.');

    const extra = await client.submit('/setup', { ...GOOD, role: 'helpdesk' });
    expect(extra.status).toBe(400);
    // Nothing was half-saved by the refused attempts.
    expect((await request(t.server).get('/dashboard').redirects(0)).headers.location).toBe('/setup');
  });

  it('creates the first operator, belonging to no organization, and the first organization once, then closes for good', async () => {
    const client = new Client(t.server);
    const res = await client.submit('/setup', GOOD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');

    expect((await request(t.server).get('/setup')).status).toBe(404);
    const again = await client.submit('/login', { ...GOOD, email: 'second@northwind.test' }, '/setup');
    expect(again.status).toBe(404);

    // The operator signs in with the email as typed in any case.
    const signIn = await client.signIn(' olive@northwind.TEST ', GOOD.password);
    expect(signIn.status).toBe(303);
    const orgs = await client.get('/admin/organizations');
    expect(orgs.status).toBe(200);
    expect(orgs.text).toContain('Northwind Security');
    // The organization named is the first customer organization; the operator serves them all.
    const account = await client.get('/account');
    expect(account.text).toContain('olive@northwind.test');
    expect(account.text).not.toContain('Northwind Security');
    const dashboard = await client.get('/dashboard');
    expect(pageText(dashboard.text)).toContain('You are signed in as Operator.');
    const [operator] = await withContext(t.app, () =>
      t.app
        .get(EntityManager)
        .execute<{ organizationId: string | null }[]>(
          `select organization_id as organizationId from people where email = 'olive@northwind.test'`,
        ),
    );
    expect(operator.organizationId).toBeNull();
  });
});

describe('first-run setup under a race', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates exactly one operator when two browsers submit at once', async () => {
    const a = new Client(t.server);
    const b = new Client(t.server);
    const [pageA, pageB] = await Promise.all([a.get('/setup'), b.get('/setup')]);
    const [ra, rb] = await Promise.all([
      a.agent
        .post('/setup')
        .type('form')
        .send({ ...GOOD, _csrf: csrfFrom(pageA.text) })
        .redirects(0),
      b.agent
        .post('/setup')
        .type('form')
        .send({ ...GOOD, orgName: 'Other Org', email: 'other@example.test', _csrf: csrfFrom(pageB.text) })
        .redirects(0),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([303, 404]);
  });
});

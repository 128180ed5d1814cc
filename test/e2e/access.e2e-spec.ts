import request from 'supertest';
import { Sql } from '../../src/platform/database/sql';
import { currentNavHref } from '../utils/html';
import { Client, csrfFrom } from '../utils/http';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

describe('access control, CSRF, errors and headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('sends a visitor without a session to sign-in, remembering where they were going', async () => {
    for (const path of ['/dashboard', '/account', '/admin/organizations', '/admin/organizations/new']) {
      const res = await request(t.server).get(path).redirects(0);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    const post = await request(t.server).post('/admin/organizations').type('form').send({ name: 'x' }).redirects(0);
    expect(post.status).toBe(403); // no CSRF token either
  });

  it.each(['member', 'admin', 'helpdesk'] as const)(
    'refuses the operator pages to a %s with a 403 page',
    async (role) => {
      const { client } = await signedIn(t, role);
      const res = await client.get('/admin/organizations');
      expect(res.status).toBe(403);
      expect(res.text).toContain('You do not have access to this page.');
      expect(res.text).toContain('<nav aria-label="Main"');
      expect(res.text).not.toContain('href="/admin/organizations"'); // not in their navigation either
      const create = await client.submit('/dashboard', { name: 'Sneaky Org' }, '/admin/organizations');
      expect(create.status).toBe(403);
      const list = await (await signedIn(t, 'operator')).client.get('/admin/organizations?q=Sneaky');
      expect(list.text).not.toContain('Sneaky Org');
    },
  );

  it('shows operators the organizations navigation', async () => {
    const { client } = await signedIn(t, 'operator');
    const res = await client.get('/dashboard');
    expect(res.text).toContain('href="/admin/organizations"');
    expect(currentNavHref(res.text)).toBe('/dashboard');
  });

  it('refuses a POST without _csrf, or with a token from another session, with 403', async () => {
    const { client } = await signedIn(t, 'operator');
    const missing = await client.postWithoutCsrf('/admin/organizations', { name: 'Forged Org' });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('This form has expired');

    const other = await signedIn(t, 'operator');
    const foreignToken = csrfFrom((await other.client.get('/dashboard')).text);
    const crossed = await client.agent
      .post('/admin/organizations')
      .type('form')
      .send({ name: 'Forged Org', _csrf: foreignToken })
      .redirects(0);
    expect(crossed.status).toBe(403);
    expect((await client.get('/admin/organizations?q=Forged')).text).not.toContain('Forged Org');
  });

  it('answers an unknown page with a 404 page inside the layout', async () => {
    const { client } = await signedIn(t, 'member');
    const res = await client.get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('Page not found');
    expect(res.text).toContain('<nav aria-label="Main"');
    expect(res.text).not.toMatch(/Cannot GET|at .*\.ts:\d+/);
  });

  it('answers API calls without a bearer token with a JSON 401, whether the route exists or not', async () => {
    const res = await request(t.server).get('/api/v1/nothing');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Use an API key: /api accepts bearer tokens only, never the session cookie.',
    });
  });

  it('answers a malformed body with a 400, never a 500', async () => {
    const { client } = await signedIn(t, 'operator');
    const res = await client.agent
      .post('/admin/organizations')
      .set('Content-Type', 'application/json')
      .send('{"name":');
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/SyntaxError|at .*\.js:\d+/);
  });

  it('sends a strict CSP without inline script and without upgrade-insecure-requests on http', async () => {
    const res = await request(t.server).get('/login');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\son[a-z]+="/);
  });

  it('serves Tabler and our assets locally', async () => {
    for (const path of [
      '/assets/tabler/css/tabler.min.css',
      '/assets/icons/tabler-icons.min.css',
      '/assets/app/css/app.css',
      '/assets/app/js/caps-lock.js',
    ]) {
      expect((await request(t.server).get(path)).status).toBe(200);
    }
  });

  it('reports health and readiness', async () => {
    expect((await request(t.server).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(t.server).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
  });

  it('shows a person their own profile on /account', async () => {
    const { client, person, email } = await signedIn(t, 'member', { name: 'Ada <script>alert(1)</script> Lovelace' });
    const res = await client.get('/account');
    expect(res.status).toBe(200);
    expect(res.text).toContain(email);
    expect(res.text).toContain('Ada &lt;script&gt;alert(1)&lt;/script&gt; Lovelace');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    const org = await t.app
      .get(Sql)
      .get<{ name: string }>('select name from organizations where id = ?', [person.organizationId]);
    expect(res.text).toContain(org!.name);
  });

  it('keeps the sign-in form usable by password managers', async () => {
    const res = await new Client(t.server).get('/login');
    expect(res.text).toMatch(/<input[^>]*type="email"[^>]*autocomplete="username"/);
    expect(res.text).toMatch(/<input[^>]*type="password"[^>]*autocomplete="current-password"/);
    expect(res.text).toContain('<label class="form-label" for="field-email"');
    expect(res.text).toContain('<label class="form-label" for="field-password"');
  });
});

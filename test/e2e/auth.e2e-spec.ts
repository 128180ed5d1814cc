import request from 'supertest';
import { createPerson, DEFAULT_PASSWORD } from '../../seeds/factories';
import { SIGN_IN_FAILED } from '../../src/modules/auth/sign-in/sign-in.service';
import { Client, csrfFrom } from '../utils/http';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';
import { EntityManager } from '@mikro-orm/better-sqlite';
import { withContext } from '../../src/platform/database/request-context';
import { Person } from '../../src/modules/people/person.entity';

const sessionCookie = (res: request.Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sd_session='));

/** The generic message as it appears on the page (HTML-escaped). */
const failureText = SIGN_IN_FAILED.replace(/'/g, '&#x27;');

describe('sign-in and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SESSION_IDLE_SECONDS: '1800', SESSION_MAX_SECONDS: '43200' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('signs in with a trimmed, case-folded email and lands on the dashboard', async () => {
    const member = await createPerson(t.app, { role: 'member', email: 'mia.member@example.test' });
    const client = new Client(t.server);
    const res = await client.signIn('  MIA.Member@Example.TEST ', member.password);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const dashboard = await client.get('/dashboard');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain(member.person.name);
    expect(dashboard.headers['cache-control']).toBe('no-store');
  });

  it('gives every failure the same 401 and the same message', async () => {
    const member = await createPerson(t.app, { role: 'member' });
    const disabled = await createPerson(t.app, { role: 'member' });
    await withContext(t.app, () =>
      t.app.get(EntityManager).nativeUpdate(Person, { id: disabled.person.id }, { status: 'disabled' }),
    );
    const attempts = [
      { email: 'nobody@example.test', password: DEFAULT_PASSWORD },
      { email: member.email, password: `${DEFAULT_PASSWORD}x` },
      { email: member.email, password: DEFAULT_PASSWORD.toUpperCase() },
      { email: disabled.email, password: disabled.password },
      { email: '', password: '' },
      { email: member.email, password: '' },
    ];
    const bodies: string[] = [];
    for (const attempt of attempts) {
      const res = await new Client(t.server).signIn(attempt.email, attempt.password);
      expect(res.status).toBe(401);
      expect(res.text).toContain(failureText);
      expect(sessionCookie(res)).toBeUndefined();
      // The page differs only in the echoed email and the CSRF token.
      bodies.push(res.text.replace(/value="[^"]*"/g, '').replace(/\s+/g, ' '));
    }
    expect(new Set(bodies).size).toBe(1);
  });

  it('answers concurrent sign-ins each on its own merits', async () => {
    const [a, b] = await Promise.all([
      createPerson(t.app, { role: 'member' }),
      createPerson(t.app, { role: 'member' }),
    ]);
    const attempts = Array.from({ length: 12 }, (_, i) => {
      const who = i % 2 === 0 ? a : b;
      const right = i % 3 !== 0;
      return { who, right, password: right ? who.password : 'not-their-password-77' };
    });
    const answers = await Promise.all(
      attempts.map(async ({ who, password }) => {
        const client = new Client(t.server);
        const res = await client.signIn(who.email, password);
        return res.status === 303 ? (await client.get('/account')).text.includes(who.email) : res.status;
      }),
    );
    // Every right password signs its own owner in; every wrong one gets 401.
    expect(answers).toEqual(attempts.map(({ right }) => (right ? true : 401)));
  });

  it('never puts the password back into the page', async () => {
    const res = await new Client(t.server).signIn('nobody@example.test', 'my-secret-guess-123');
    expect(res.text).not.toContain('my-secret-guess-123');
    expect(res.text).toContain('value="nobody@example.test"');
  });

  it('starts a new session id at every sign-in and ends the one it replaces', async () => {
    const member = await createPerson(t.app, { role: 'member' });
    const client = new Client(t.server);
    const first = sessionCookie(await client.signIn(member.email, member.password))!;
    // Signing in again from the same browser (the form of a signed-in page carries a valid token).
    const again = await client.submit('/dashboard', { email: member.email, password: member.password }, '/login');
    expect(again.status).toBe(303);
    const second = sessionCookie(again)!;
    expect(first).not.toEqual(second);
    const replay = await request(t.server).get('/dashboard').set('Cookie', first.split(';')[0]).redirects(0);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toMatch(/^\/login/);
  });

  it('signs out for real: the old cookie is refused afterwards', async () => {
    const { client } = await signedIn(t, 'member');
    const page = await client.get('/dashboard');
    expect(page.status).toBe(200);
    const cookie = (
      client.agent as unknown as { jar: { getCookie(n: string, o: object): { value: string } } }
    ).jar.getCookie('sd_session', { path: '/', domain: '127.0.0.1', secure: false, script: false });
    const out = await client.signOut();
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    const after = await request(t.server).get('/dashboard').set('Cookie', `sd_session=${cookie?.value}`).redirects(0);
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
    const login = await client.get('/login');
    expect(login.text).toContain('You have signed out.');
  });

  it('ends a session left idle longer than SESSION_IDLE_SECONDS', async () => {
    const { client } = await signedIn(t, 'member');
    t.clock.advance(1700);
    expect((await client.get('/dashboard')).status).toBe(200);
    t.clock.advance(1700); // 3400 s since sign-in, but only 1700 s since the last request
    expect((await client.get('/dashboard')).status).toBe(200);
    t.clock.advance(1801);
    const res = await client.get('/dashboard');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fdashboard');
  });

  it('ends a session at SESSION_MAX_SECONDS however active it is', async () => {
    const { client } = await signedIn(t, 'member');
    for (let elapsed = 0; elapsed < 43_200 - 1500; elapsed += 1500) {
      t.clock.advance(1500);
      expect((await client.get('/dashboard')).status).toBe(200);
    }
    t.clock.advance(1500);
    expect((await client.get('/dashboard')).status).toBe(303);
  });

  it('returns to the page asked for after signing in, but never to another site', async () => {
    const member = await createPerson(t.app, { role: 'member' });
    const client = new Client(t.server);
    const gate = await client.get('/account');
    expect(gate.headers.location).toBe('/login?next=%2Faccount');
    const ok = await client.submit('/login?next=%2Faccount', {
      email: member.email,
      password: member.password,
      next: '/account',
    });
    expect(ok.headers.location).toBe('/account');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const res = await new Client(t.server).submit('/login', { email: member.email, password: member.password, next });
      expect(res.headers.location).toBe('/dashboard');
    }
  });

  it('sends a signed-in person away from /login', async () => {
    const { client } = await signedIn(t, 'member');
    const res = await client.get('/login');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
  });

  it('refuses a forged cookie', async () => {
    const res = await request(t.server)
      .get('/dashboard')
      .set('Cookie', 'sd_session=eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJ4In0.AAAA')
      .redirects(0);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });
});

describe('sign-in throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '3' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('answers 429 once an address exceeds LOGIN_RATE_LIMIT attempts a minute', async () => {
    const client = new Client(t.server);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await client.signIn('x@example.test', 'whatever-password-1')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const page = await client.signIn('x@example.test', 'whatever-password-1');
    expect(page.text).toContain('Too many attempts');
  });
});

describe('https installs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ BASE_URL: 'https://seatdesk.example.com' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('marks cookies Secure with the __Host- prefix and sends HSTS and upgrade-insecure-requests', async () => {
    const member = await createPerson(t.app, { role: 'member' });
    const page = await request(t.server).get('/login');
    expect(page.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(page.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    const csrfCookie = ([] as string[])
      .concat(page.headers['set-cookie'])
      .find((c) => c.startsWith('__Host-sd_csrf='))!;
    expect(csrfCookie).toMatch(/Secure/);
    const token = csrfFrom(page.text);
    const res = await request(t.server)
      .post('/login')
      .set('Cookie', csrfCookie.split(';')[0])
      .type('form')
      .send({ email: member.email, password: member.password, _csrf: token })
      .redirects(0);
    expect(res.status).toBe(303);
    const session = ([] as string[]).concat(res.headers['set-cookie']).find((c) => c.startsWith('__Host-sd_session='))!;
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/HttpOnly/);
  });
});

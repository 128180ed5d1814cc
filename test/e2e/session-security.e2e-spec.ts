import { EntityManager } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { createOrganization, createPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { totpCode } from '../../src/modules/auth/two-factor/totp';
import { isChecked, textOf } from '../utils/html';
import { Client, csrfFrom } from '../utils/http';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

/** The session cookie a response sets, if any. */
const sessionCookieSet = (res: request.Response): string | undefined => {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  for (const cookie of cookies) {
    const match = /^sd_session=([^;]+)/.exec(cookie);
    if (match) return match[1];
  }
  return undefined;
};
const secretOn = (html: string) => textOf(html, '#totp-secret') ?? '';

describe('session security', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  const sql = <T>(query: string, params: unknown[] = []) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const auditDetails = async (action: string, targetId: string) =>
    (
      await sql<{ details: string | null }>(
        'select details from audit_entries where action = ? and target_id = ? order by id',
        [action, targetId],
      )
    ).map((row) => (row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null));
  const code = (secret: string) => totpCode(secret, t.clock.now());
  /** A request carrying only this session cookie (a copy of it, elsewhere). */
  const withCookie = (path: string, token: string) =>
    request(t.server).get(path).set('Cookie', `sd_session=${token}`).redirects(0);

  /** Turns two-factor on from the security page; `fields` are added to the code. */
  async function enrol(client: Client, fields: Record<string, string> = {}) {
    const setup = await client.submit('/account/security', {}, '/account/2fa/setup');
    expect(setup.status).toBe(200);
    const secret = secretOn(setup.text);
    const enabled = await client.submit(
      '/account/2fa/setup',
      { code: await code(secret), ...fields },
      '/account/2fa/enable',
    );
    expect(enabled.status).toBe(200);
    t.clock.advance(30);
    return { secret, enabled };
  }

  async function memberWithTwoFactor(email?: string) {
    const person = await createPerson(t.app, { role: 'member', ...(email ? { email } : {}) });
    const first = new Client(t.server);
    await first.signIn(person.email, person.password);
    const { secret } = await enrol(first);
    await first.signOut();
    return { ...person, secret };
  }

  describe('a new session id when privilege rises', () => {
    it('the two-factor step issues a new cookie, and the password-stage cookie stops working', async () => {
      const member = await memberWithTwoFactor();
      const client = new Client(t.server);
      const password = await client.signIn(member.email, member.password);
      expect(password.headers.location).toBe('/login/2fa');
      const pending = sessionCookieSet(password)!;
      expect(pending).toBeDefined();

      const done = await client.submit('/login/2fa', { code: await code(member.secret) });
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/dashboard');
      const full = sessionCookieSet(done);
      expect(full).toBeDefined();
      expect(full).not.toBe(pending);

      // The new cookie is signed in; the copied one is nothing, not even at the code step.
      expect((await withCookie('/dashboard', full!)).status).toBe(200);
      const copied = await withCookie('/dashboard', pending);
      expect(copied.status).toBe(303);
      expect(copied.headers.location).toMatch(/^\/login/);
      expect((await withCookie('/login/2fa', pending)).headers.location).toBe('/login');
      // The browser itself goes on signed in, with forms that work.
      expect((await client.get('/dashboard')).status).toBe(200);
      expect((await client.submit('/account', { name: 'Renamed Member' }, '/account/profile')).status).toBe(303);
    });

    it('finishing a forced enrolment issues a new cookie, and the held one stops working', async () => {
      const org = await createOrganization(t.app);
      await sql('update organizations set require_two_factor = 1 where id = ?', [org.id]);
      const member = await createPerson(t.app, { role: 'member', organization: org });
      const client = new Client(t.server);
      const signIn = await client.signIn(member.email, member.password);
      expect(signIn.headers.location).toBe('/account/security');
      const held = sessionCookieSet(signIn)!;

      const { enabled } = await enrol(client);
      const full = sessionCookieSet(enabled);
      expect(full).toBeDefined();
      expect(full).not.toBe(held);
      expect((await withCookie('/dashboard', full!)).status).toBe(200);
      const copied = await withCookie('/account/security', held);
      expect(copied.status).toBe(303);
      expect(copied.headers.location).toMatch(/^\/login/);
      // The codes page's own sign-out form works with the new session.
      const out = await client.agent
        .post('/logout')
        .type('form')
        .send({ _csrf: csrfFrom(enabled.text) })
        .redirects(0);
      expect([out.status, out.headers.location]).toEqual([303, '/login']);
      expect((await withCookie('/dashboard', full!)).status).toBe(303);
    });
  });

  describe('whose sign-in it is', () => {
    it('/login/2fa names the account, escaped', async () => {
      const member = await memberWithTwoFactor(`tom&jerry.${Date.now()}@example.test`);
      const client = new Client(t.server);
      await client.signIn(member.email, member.password);
      const page = await client.get('/login/2fa');
      expect(page.status).toBe(200);
      expect(textOf(page.text, '#signing-in-as')).toContain(member.email);
      expect(page.text).toContain(member.email.replace('&', '&amp;'));
    });

    it('the forced enrolment page names the account', async () => {
      const org = await createOrganization(t.app);
      await sql('update organizations set require_two_factor = 1 where id = ?', [org.id]);
      const member = await createPerson(t.app, { role: 'member', organization: org });
      const client = new Client(t.server);
      await client.signIn(member.email, member.password);
      const page = await client.get('/account/security');
      expect(textOf(page.text, '#signing-in-as')).toContain(member.email);
      const setup = await client.submit('/account/security', {}, '/account/2fa/setup');
      expect(textOf(setup.text, '#signing-in-as')).toContain(member.email);

      // Held while the organization stops requiring it: still named, and going on is a new session.
      const late = new Client(t.server);
      const held = sessionCookieSet(await late.signIn(member.email, member.password))!;
      await sql('update organizations set require_two_factor = 0 where id = ?', [org.id]);
      expect(textOf((await late.get('/account/security')).text, '#signing-in-as')).toContain(member.email);
      const goOn = await late.submit('/account/security', {}, '/account/security/continue');
      expect(goOn.headers.location).toBe('/dashboard');
      const full = sessionCookieSet(goOn);
      expect(full).toBeDefined();
      expect(full).not.toBe(held);
      expect((await withCookie('/dashboard', full!)).status).toBe(200);
      expect((await withCookie('/dashboard', held)).headers.location).toMatch(/^\/login/);
    });
  });

  describe('turning two-factor on offers to sign out the other sessions', () => {
    it('signs the others out when the box is ticked (the default), and audits how many', async () => {
      const member = await signedIn(t, 'member');
      const other = new Client(t.server);
      await other.signIn(member.email, member.password);
      const setup = await member.client.submit('/account/security', {}, '/account/2fa/setup');
      expect(isChecked(setup.text, 'signOutOthers')).toBe(true);

      await enrol(member.client, { signOutOthers: 'on' });
      expect((await member.client.get('/dashboard')).status).toBe(200);
      expect((await other.get('/dashboard')).headers.location).toMatch(/^\/login/);
      expect(await auditDetails('auth.2fa.enabled', member.person.id)).toEqual([
        { method: 'totp', replaced: false, signedOutElsewhere: 1 },
      ]);
    });

    it('leaves them signed in when the box is cleared', async () => {
      const member = await signedIn(t, 'member');
      const other = new Client(t.server);
      await other.signIn(member.email, member.password);
      // A refused code shows the box as it was sent.
      await member.client.submit('/account/security', {}, '/account/2fa/setup');
      const wrong = await member.client.submit('/account/2fa/setup', { code: 'nope' }, '/account/2fa/enable');
      expect(wrong.status).toBe(400);
      expect(isChecked(wrong.text, 'signOutOthers')).toBe(false);
      await enrol(member.client);
      expect((await member.client.get('/dashboard')).status).toBe(200);
      expect((await other.get('/dashboard')).status).toBe(200);
      expect(await auditDetails('auth.2fa.enabled', member.person.id)).toEqual([
        { method: 'totp', replaced: false, signedOutElsewhere: 0 },
      ]);
    });

    it('re-enrolling on a new device offers it too', async () => {
      const member = await memberWithTwoFactor();
      const mine = new Client(t.server);
      await mine.signIn(member.email, member.password);
      await mine.submit('/login/2fa', { code: await code(member.secret) });
      t.clock.advance(30);
      const other = new Client(t.server);
      await other.signIn(member.email, member.password);
      await other.submit('/login/2fa', { code: await code(member.secret) });
      t.clock.advance(30);
      expect((await other.get('/dashboard')).status).toBe(200);

      await enrol(mine, { signOutOthers: 'on' });
      expect((await mine.get('/dashboard')).status).toBe(200);
      expect((await other.get('/dashboard')).headers.location).toMatch(/^\/login/);
      const entries = await auditDetails('auth.2fa.enabled', member.person.id);
      expect(entries.pop()).toEqual({ method: 'totp', replaced: true, signedOutElsewhere: 1 });
    });
  });

  describe('/api never takes the session cookie', () => {
    it('answers a signed-in cookie with a JSON 401, for any address and method', async () => {
      const member = await signedIn(t, 'member');
      for (const res of [
        await member.client.get('/api/anything'),
        await member.client.get('/api/v1/orgs'),
        await member.client.postWithoutCsrf('/api/v1/anything', { a: '1' }),
      ]) {
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/json/);
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Use an API key: /api accepts bearer tokens only, never the session cookie.',
        });
      }
      // The cookie itself is left alone: the pages still know the person.
      expect((await member.client.get('/dashboard')).status).toBe(200);
    });
  });
});

describe('idle timeout at its shortest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SESSION_IDLE_SECONDS: '60' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('keeps an active person signed in, and signs out after a silent minute', async () => {
    const member = await signedIn(t, 'member');
    for (let i = 0; i < 8; i++) {
      t.clock.advance(40);
      const res = await member.client.get('/dashboard');
      expect([i, res.status]).toEqual([i, 200]);
    }
    t.clock.advance(61);
    const res = await member.client.get('/dashboard');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { createPerson, type CreatedPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { sessionHandle } from '../../src/modules/auth/sessions/account-sessions.service';
import { all, attrsOf, tableRows, textOf } from '../utils/html';
import { Client } from '../utils/http';
import { createMailedTestApp, type MailedTestApp, type TestApp } from '../utils/test-app';

const BASE_URL = 'http://desk.example.test';
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:132.0) Gecko/20100101 Firefox/132.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

const cookieNamed = (res: request.Response, name: string) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));

/** A browser: its own cookie jar and User-Agent. */
function browser(t: TestApp, userAgent: string): Client {
  const client = new Client(t.server);
  client.agent.set('User-Agent', userAgent);
  return client;
}

/** The handles of the "Sign out" forms on /account/sessions, in page order. */
const endForms = (html: string) =>
  attrsOf(html, 'form[action^="/account/sessions/"][action$="/end"]', 'action').map((action) => action.split('/')[3]);

describe('active sessions and new-browser alerts', () => {
  let t: MailedTestApp;
  const sql = <T extends object>(query: string, params: unknown[] = []) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const alertsTo = async (to: string) =>
    (await t.mailTo(to)).filter((m) => m.subject.startsWith('New sign-in to your SeatDesk account'));
  const auditOf = (personId: string, action: string) =>
    sql<{ details: string | null; actorId: string | null }>(
      `select details, actor_id as actorId from audit_entries where target_id = ? and action = ? order by id`,
      [personId, action],
    );

  beforeAll(async () => {
    t = await createMailedTestApp({ BASE_URL });
  });
  afterAll(() => t?.close());

  describe('sessions page', () => {
    let me: CreatedPerson;
    let laptop: Client;
    let phone: Client;

    beforeEach(async () => {
      me = await createPerson(t.app, { role: 'member' });
      laptop = browser(t, CHROME_WINDOWS);
      phone = browser(t, SAFARI_IPHONE);
      expect((await laptop.signIn(me.email, me.password)).status).toBe(303);
      expect((await phone.signIn(me.email, me.password)).status).toBe(303);
    });

    it('lists each signed-in browser readably, this one first and marked, without session ids', async () => {
      const res = await laptop.get('/account/sessions');
      expect(res.status).toBe(200);
      expect(textOf(res.text, 'title')).toBe('Signed-in sessions · SeatDesk');
      const rows = all(res.text, 'tbody tr');
      expect(rows).toHaveLength(2);
      const [device, address] = tableRows(res.text)[0];
      expect(device).toBe('Chrome on Windows This browser');
      expect(address).toContain('127.0.0.1');
      // This browser is signed out with the main sign-out, not from this list.
      expect(rows[0].querySelector('form')).toBeNull();
      const [otherDevice, otherAddress] = tableRows(res.text)[1];
      expect(otherDevice).toBe('Safari on iOS');
      expect(otherAddress).toContain('127.0.0.1');
      expect(endForms(res.text)).toHaveLength(1);
      expect(res.text).toContain('Sign out everywhere else');
      const ids = await sql<{ id: string }>('select id from sessions where person_id = ?', [me.person.id]);
      for (const { id } of ids) expect(res.text).not.toContain(id);
    });

    it('signs out one other session: its cookie is refused afterwards, this one is kept (audited)', async () => {
      const [handle] = endForms((await laptop.get('/account/sessions')).text);
      const res = await laptop.submit('/account/sessions', {}, `/account/sessions/${handle}/end`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account/sessions');
      expect((await laptop.get('/account/sessions')).text).toContain('Signed out the session in Safari on iOS.');
      expect((await phone.get('/dashboard')).status).toBe(303);
      expect((await laptop.get('/dashboard')).status).toBe(200);
      const [entry] = await auditOf(me.person.id, 'auth.session.revoked');
      expect(entry.actorId).toBe(me.person.id);
      expect(JSON.parse(entry.details!)).toMatchObject({ device: 'Safari on iOS' });
      // Already ended: not found.
      expect((await laptop.submit('/account/sessions', {}, `/account/sessions/${handle}/end`)).status).toBe(404);
    });

    it("answers 404 for another person's session, which keeps working", async () => {
      const stranger = await createPerson(t.app, { role: 'member' });
      const theirs = browser(t, FIREFOX_MAC);
      await theirs.signIn(stranger.email, stranger.password);
      const theirLaptop = browser(t, CHROME_WINDOWS);
      await theirLaptop.signIn(stranger.email, stranger.password);
      const [theirHandle] = endForms((await theirs.get('/account/sessions')).text);

      const res = await laptop.submit('/account/sessions', {}, `/account/sessions/${theirHandle}/end`);
      expect(res.status).toBe(404);
      expect((await theirLaptop.get('/dashboard')).status).toBe(200);
      for (const handle of ['nonsense', 'x'.repeat(22)]) {
        expect((await laptop.submit('/account/sessions', {}, `/account/sessions/${handle}/end`)).status).toBe(404);
      }
      expect(await auditOf(stranger.person.id, 'auth.session.revoked')).toHaveLength(0);
    });

    it('does not end the session in use through this form', async () => {
      const ids = await sql<{ id: string }>('select id from sessions where person_id = ? and ended_at is null', [
        me.person.id,
      ]);
      const res = await laptop.get('/account/sessions');
      const own = ids.map((r) => sessionHandle(r.id)).find((h) => !endForms(res.text).includes(h))!;
      const attempt = await laptop.submit('/account/sessions', {}, `/account/sessions/${own}/end`);
      expect(attempt.status).toBe(400);
      expect((await laptop.get('/dashboard')).status).toBe(200);
    });

    it('signs out everywhere else in one go (audited), and refuses a forged form', async () => {
      const tablet = browser(t, FIREFOX_MAC);
      await tablet.signIn(me.email, me.password);
      expect((await laptop.postWithoutCsrf('/account/sessions/end-others')).status).toBe(403);
      expect((await phone.get('/dashboard')).status).toBe(200);

      const res = await laptop.submit('/account/sessions', {}, '/account/sessions/end-others');
      expect(res.status).toBe(303);
      expect((await laptop.get('/account/sessions')).text).toContain('Signed out 2 other sessions.');
      expect((await phone.get('/dashboard')).status).toBe(303);
      expect((await tablet.get('/dashboard')).status).toBe(303);
      expect((await laptop.get('/dashboard')).status).toBe(200);
      const page = await laptop.get('/account/sessions');
      expect(endForms(page.text)).toHaveLength(0);
      expect(page.text).not.toContain('Sign out everywhere else');
      const [entry] = await auditOf(me.person.id, 'auth.sessions.revoked');
      expect(JSON.parse(entry.details!)).toEqual({ count: 2 });
    });
  });

  describe('new-browser sign-in alert', () => {
    it('is sent once per new browser, with the phrase, never for the first sign-in ever', async () => {
      const me = await createPerson(t.app, { role: 'member' });
      const laptop = browser(t, CHROME_WINDOWS);

      // The very first sign-in: nothing to compare with, no alert.
      const first = await laptop.signIn(me.email, me.password);
      expect(first.status).toBe(303);
      const cookie = cookieNamed(first, 'sd_browser')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).not.toMatch(/Secure/);
      expect(cookie).toMatch(/Expires=/);
      await laptop.submit('/account', { phrase: 'orange ferry nine' }, '/account/phrase');
      // The same browser again (signed out in between): still known.
      await laptop.signOut();
      expect((await laptop.signIn(me.email, me.password)).status).toBe(303);
      expect(await alertsTo(me.email)).toHaveLength(0);

      // A browser this person never used: one alert, with the phrase, address and browser.
      const phone = browser(t, SAFARI_IPHONE);
      expect((await phone.signIn(me.email, me.password)).status).toBe(303);
      const [alert] = await alertsTo(me.email);
      expect(alert.subject).toBe('New sign-in to your SeatDesk account from Safari on iOS');
      expect(alert.text).toContain('Your security phrase: orange ferry nine');
      expect(alert.text).toContain('Browser: Safari on iOS');
      expect(alert.text).toContain('From address: ');
      expect(alert.text).toContain(`${BASE_URL}/account/security`);
      expect(alert.text).toContain(`${BASE_URL}/account/activity`);
      expect(alert.html).toContain('orange ferry nine');

      // The same new browser again: known by now, no second alert.
      await phone.signOut();
      expect((await phone.signIn(me.email, me.password)).status).toBe(303);
      expect(await alertsTo(me.email)).toHaveLength(1);

      // The browser is the cookie: the laptop's cookie in another client is the laptop…
      const raw = cookie.split(';')[0].slice('sd_browser='.length);
      const withCookie = async (value: string) => {
        const client = browser(t, FIREFOX_MAC);
        client.agent.jar.setCookie(`sd_browser=${value}`, '127.0.0.1', '/');
        const res = await client.signIn(me.email, me.password);
        expect(res.status).toBe(303);
        return cookieNamed(res, 'sd_browser')!.split(';')[0].slice('sd_browser='.length);
      };
      expect(await withCookie(raw)).toBe(raw);
      expect(await alertsTo(me.email)).toHaveLength(1);
      // …and an altered or malformed one is a new browser (a malformed one gets a fresh id).
      const altered = `${raw.slice(0, -1)}${raw.endsWith('A') ? 'B' : 'A'}`;
      expect(await withCookie(altered)).toBe(altered);
      expect(await alertsTo(me.email)).toHaveLength(2);
      expect(await withCookie('not-a-browser-id')).toMatch(/^[\w-]{43}$/);
      expect(await alertsTo(me.email)).toHaveLength(3);

      const signIns = await auditOf(me.person.id, 'auth.login.succeeded');
      expect(signIns.map((e) => JSON.parse(e.details!).newBrowser ?? false)).toEqual([
        false,
        false,
        true,
        false,
        false,
        true,
        true,
      ]);
      const known = await sql<{ n: number }>('select count(*) as n from known_browsers where person_id = ?', [
        me.person.id,
      ]);
      expect(known[0].n).toBe(4);
      // Only hashes are stored: the cookie's value is not in the database.
      const stored = await sql<{ browserId: string }>(
        'select browser_id as browserId from known_browsers where person_id = ?',
        [me.person.id],
      );
      expect(stored.map((r) => r.browserId)).not.toContain(raw);
    });

    it("does not alert one person for another person's browser", async () => {
      const shared = browser(t, CHROME_WINDOWS);
      const a = await createPerson(t.app, { role: 'member' });
      const b = await createPerson(t.app, { role: 'member' });
      await shared.signIn(a.email, a.password);
      await shared.signOut();
      // B's first sign-in ever, in A's browser: new to B, but B has nothing to compare with.
      await shared.signIn(b.email, b.password);
      await shared.signOut();
      // A comes back to the same browser: known to A.
      await shared.signIn(a.email, a.password);
      expect(await alertsTo(a.email)).toHaveLength(0);
      expect(await alertsTo(b.email)).toHaveLength(0);
    });
  });
});

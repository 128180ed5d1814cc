import { EntityManager } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { createPerson, randomPassword, type CreatedPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { MailService } from '../../src/platform/mail/mail.service';
import { Person } from '../../src/modules/people/person.entity';
import { Client, csrfFrom } from '../utils/http';
import { linkTo, parseMail, tokenIn } from '../utils/mail';
import type { ReceivedMail } from '../utils/smtp-peer';
import { createMailedTestApp, signedIn, type MailedTestApp } from '../utils/test-app';

// Forgotten passwords from both sides: the person who lost theirs, and
// someone probing which addresses have accounts or fiddling with links.

const BASE_URL = 'http://desk.example.test:8080';
const TTL_SECONDS = 600;
const INVALID_LINK = 'This password reset link is not valid any more';
const RESET_SUBJECT = 'Reset your SeatDesk password';

interface AuditRow {
  actorLabel: string;
  outcome: string;
  targetId: string | null;
  details: Record<string, unknown> | null;
}

describe('forgotten password', () => {
  let t: MailedTestApp;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));

  const audit = async (action: string, label: string): Promise<AuditRow[]> =>
    (
      await sql<Omit<AuditRow, 'details'> & { details: string | null }>(
        `select actor_label as actorLabel, outcome, target_id as targetId, details from audit_entries
          where action = ? and target_label = ? order by id`,
        action,
        label,
      )
    ).map((row) => ({ ...row, details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null }));

  const outbox = (to: string, template?: string) =>
    sql<{ template: string; text: string }>(
      `select template, text_body as text from mail_messages where recipient = ?${template ? ' and template = ?' : ''} order by id`,
      ...(template ? [to, template] : [to]),
    );

  /** Asks for a link as a person would and returns the token from the mail that arrived. */
  const requestLink = async (p: CreatedPerson): Promise<string> => {
    const isReset = (m: ReceivedMail) => m.envelope.to.includes(p.email) && m.subject === RESET_SUBJECT;
    const before = t.peer.messages.filter(isReset).length;
    const res = await new Client(t.server).submit('/forgot-password', { email: p.email });
    expect(res.status).toBe(303);
    const [mail] = (await t.peer.waitForMessages(before + 1, { match: isReset })).slice(before);
    return tokenIn(mail, '/reset-password');
  };

  // The form's CSRF token from a page any visitor can open (a bad link's page has no form).
  const resetWith = (token: string, password: string, confirmPassword = password, client = new Client(t.server)) =>
    client.submit('/forgot-password', { token, password, confirmPassword }, '/reset-password');

  const lockoutOf = async (p: CreatedPerson) =>
    (
      await sql<{ failures: number; lockedUntil: number | null; lockouts: number; changedAt: number | null }>(
        `select failed_sign_ins as failures, locked_until as lockedUntil, lockouts, password_changed_at as changedAt
           from people where id = ?`,
        p.person.id,
      )
    )[0];

  const member = () => createPerson(t.app, { role: 'member' });

  beforeAll(async () => {
    t = await createMailedTestApp({
      BASE_URL,
      RESET_TOKEN_TTL_SECONDS: String(TTL_SECONDS),
      LOCKOUT_MAX_FAILURES: '3',
    });
  });
  afterAll(() => t?.close());

  describe('asking for a link', () => {
    it('shows the form, linked from the sign-in page', async () => {
      const login = await request(t.server).get('/login');
      expect(login.text).toContain('href="/forgot-password"');
      const page = await request(t.server).get('/forgot-password');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1 class="h2 text-center mb-3">Reset your password</h1>');
      expect(page.text).toMatch(/<input type="email" id="field-email" name="email"[^>]*autocomplete="username"/);
    });

    it('answers every address the same: known, unknown, disabled and locked', async () => {
      const known = await member();
      const disabled = await member();
      const locked = await member();
      await withContext(t.app, () =>
        t.app.get(EntityManager).nativeUpdate(Person, { id: disabled.person.id }, { status: 'disabled' }),
      );
      for (let i = 0; i < 3; i++) await new Client(t.server).signIn(locked.email, 'wrong-password-guess-1');
      expect((await lockoutOf(locked)).lockedUntil).not.toBeNull();

      const answers: string[] = [];
      for (const email of [known.email, 'nobody.here@example.test', disabled.email, locked.email]) {
        const client = new Client(t.server);
        const res = await client.submit('/forgot-password', { email });
        const next = await client.get(res.headers.location);
        answers.push(
          JSON.stringify({
            status: res.status,
            location: res.headers.location,
            body: res.text,
            cookies: res.headers['set-cookie'] ?? [],
            page: next.status,
            // The page differs only in its CSRF token.
            pageText: next.text.replace(/name="_csrf" value="[^"]+"/, ''),
          }),
        );
      }
      expect(new Set(answers).size).toBe(1);
      expect(JSON.parse(answers[0])).toMatchObject({ status: 303, location: '/forgot-password?sent=1', page: 200 });
      expect(JSON.parse(answers[0]).pageText).toContain('If an account uses the address you entered');

      await t.app.get(MailService).whenIdle();
      await t.peer.waitForMessages(1, { match: (m) => m.envelope.to.includes(known.email) });
      await t.peer.waitForMessages(1, {
        match: (m) => m.envelope.to.includes(locked.email) && m.subject === RESET_SUBJECT,
      });
      expect(t.peer.to(disabled.email)).toEqual([]);
      expect(t.peer.to('nobody.here@example.test')).toEqual([]);

      expect((await audit('auth.password.reset_requested', known.email)).map((a) => a.outcome)).toEqual(['success']);
      expect((await audit('auth.password.reset_requested', 'nobody.here@example.test'))[0]).toMatchObject({
        outcome: 'failure',
        targetId: null,
        details: { via: 'forgot_password', reason: 'unknown_account' },
      });
      expect((await audit('auth.password.reset_requested', disabled.email))[0].details).toMatchObject({
        reason: 'disabled',
      });
    });

    it('mails a link built from BASE_URL, never from the Host header', async () => {
      const p = await member();
      const client = new Client(t.server);
      const form = await client.get('/forgot-password');
      const res = await client.agent
        .post('/forgot-password')
        .set('Host', 'evil.example')
        .set('X-Forwarded-Host', 'evil.example')
        .type('form')
        .send({ email: p.email, _csrf: csrfFrom(form.text) })
        .redirects(0);
      expect(res.status).toBe(303);
      const [mail] = await t.peer.waitForMessages(1, { match: (m) => m.envelope.to.includes(p.email) });
      expect(mail.subject).toBe(RESET_SUBJECT);
      const link = linkTo(mail, '/reset-password');
      expect(link.origin).toBe(BASE_URL);
      expect(link.searchParams.get('token')).toMatch(/^[\w-]{43}$/);
      expect(mail.htmlLinks).toContain(link.href);
      expect(mail.raw).not.toContain('evil.example');
      expect(mail.text).toContain(`within ${TTL_SECONDS / 60} minutes`);
    });

    it('asks for an email address before anything else', async () => {
      const res = await new Client(t.server).submit('/forgot-password', { email: 'not an address' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Enter an email address like name@example.com.');
      expect(res.text).toContain('value="not an address"');
    });

    it('refuses a forged form without the CSRF token', async () => {
      const res = await new Client(t.server).postWithoutCsrf('/forgot-password', { email: 'a@example.test' });
      expect(res.status).toBe(403);
    });
  });

  describe('using the link', () => {
    it('sets the new password, ends every session, tells the owner, and the old password stops working', async () => {
      const p = await signedIn(t, 'member');
      const other = await new Client(t.server).signIn(p.email, p.password);
      expect(other.status).toBe(303);
      // Whoever held the old password asked to move the account to their address.
      const theirs = `theirs.${p.email}`;
      expect((await p.client.submit('/account', { newEmail: theirs }, '/account/email')).status).toBe(303);
      const [moveMail] = await t.peer.waitForMessages(1, { match: (m) => m.envelope.to.includes(theirs) });
      const moveUrl = linkTo(moveMail, '/account/email/confirm');
      const moveLink = `${moveUrl.pathname}${moveUrl.search}`;
      const token = await requestLink(p);

      const form = await new Client(t.server).get(`/reset-password?token=${token}`);
      expect(form.status).toBe(200);
      expect(form.headers['cache-control']).toBe('no-store');
      expect(form.text).toContain(`<input type="hidden" name="token" value="${token}">`);
      expect(form.text).toMatch(
        /<input type="password" id="field-password" name="password"[^>]*autocomplete="new-password"/,
      );
      expect(form.text).toContain('At least 12 characters');

      const newPassword = randomPassword();
      const done = await resetWith(token, newPassword);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/login');
      const login = await new Client(t.server).get('/login');
      expect(login.status).toBe(200);

      // Every session the person had is over.
      const stale = await p.client.get('/dashboard');
      expect(stale.status).toBe(303);
      expect(stale.headers.location).toMatch(/^\/login/);

      expect((await new Client(t.server).signIn(p.email, p.password)).status).toBe(401);
      expect((await new Client(t.server).signIn(p.email, newPassword)).status).toBe(303);
      // Links asked for with the old password died with it.
      expect((await new Client(t.server).get(moveLink)).status).toBe(400);
      expect((await lockoutOf(p)).changedAt).toBe(+t.clock.now());

      const [entry] = await audit('auth.password.reset', p.email);
      expect(entry.details).toEqual({ lockLifted: false, signedOut: 2 });
      expect(JSON.stringify(entry)).not.toContain(newPassword);
      const [notice] = await t.peer.waitForMessages(1, {
        match: (m) => m.envelope.to.includes(p.email) && /password was changed/.test(m.subject),
      });
      expect(notice.text).toContain('with a password reset link');
      expect(notice.text).toContain(`${BASE_URL}/forgot-password`);
    });

    it('shows the flash on the sign-in page after the reset', async () => {
      const p = await member();
      const token = await requestLink(p);
      const client = new Client(t.server);
      const password = randomPassword();
      expect((await resetWith(token, password, password, client)).status).toBe(303);
      const login = await client.get('/login');
      expect(login.text).toContain('Your password has been changed');
    });

    it('refuses a weak password beside the field, keeping the token in the form', async () => {
      const p = await member();
      const token = await requestLink(p);
      for (const [password, message] of [
        ['short', 'Use at least 12 characters.'],
        ['password1234', 'too easy to guess'],
        [`${p.email}-x9`, 'Do not use your email address'],
      ]) {
        const res = await resetWith(token, password);
        expect(res.status).toBe(400);
        expect(res.text).toContain(message);
        expect(res.text).toContain('is-invalid');
        expect(res.text).toContain(`<input type="hidden" name="token" value="${token}">`);
        expect(res.text).not.toContain(`value="${password}"`);
        // Without JavaScript, the meter shows the verdict on the refused password.
        expect(res.text).toMatch(/<meter [^>]*value="[0-2]"/);
        expect(res.text).toContain('not strong enough');
      }
      const mismatch = await resetWith(token, 'copper-lantern-meadow-91', 'copper-lantern-meadow-19');
      expect(mismatch.status).toBe(400);
      expect(mismatch.text).toContain('The two passwords are not the same');
      // None of that used the link up.
      expect((await resetWith(token, 'copper-lantern-meadow-91')).status).toBe(303);
    });

    it('lifts a lockout', async () => {
      const p = await member();
      for (let i = 0; i < 3; i++) await new Client(t.server).signIn(p.email, 'wrong-password-guess-2');
      expect((await lockoutOf(p)).lockedUntil).not.toBeNull();
      const token = await requestLink(p);
      const password = randomPassword();
      expect((await resetWith(token, password)).status).toBe(303);
      expect(await lockoutOf(p)).toMatchObject({ failures: 0, lockedUntil: null, lockouts: 0 });
      expect((await new Client(t.server).signIn(p.email, password)).status).toBe(303);
    });
  });

  describe('links that no longer work', () => {
    const expectInvalid = (res: request.Response) => {
      expect(res.status).toBe(400);
      expect(res.text).toContain(INVALID_LINK);
      expect(res.text).toContain('<a href="/forgot-password" class="btn btn-primary w-100">Ask for a new link</a>');
      expect(res.text).not.toContain('name="password"');
    };

    it('refuses a link with one character changed, or none at all', async () => {
      const p = await member();
      const token = await requestLink(p);
      const last = token.at(-1)!;
      const altered = `${token.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
      expectInvalid(await new Client(t.server).get(`/reset-password?token=${altered}`));
      expectInvalid(await resetWith(altered, 'copper-lantern-meadow-91'));
      expectInvalid(await new Client(t.server).get('/reset-password'));
      expectInvalid(await new Client(t.server).get(`/reset-password?token=${token}x`));
      expectInvalid(await new Client(t.server).get(`/reset-password?token[]=${token}`));
      // The real one still works after all that.
      expect((await new Client(t.server).get(`/reset-password?token=${token}`)).status).toBe(200);
    });

    it('refuses a link used once already', async () => {
      const p = await member();
      const token = await requestLink(p);
      expect((await resetWith(token, 'copper-lantern-meadow-91')).status).toBe(303);
      expectInvalid(await new Client(t.server).get(`/reset-password?token=${token}`));
      expectInvalid(await resetWith(token, 'another-brass-kettle-77'));
      expect((await new Client(t.server).signIn(p.email, 'copper-lantern-meadow-91')).status).toBe(303);
    });

    it('lets only one of two racing requests use a link', async () => {
      const p = await member();
      const token = await requestLink(p);
      const [a, b] = await Promise.all([
        resetWith(token, 'copper-lantern-meadow-91'),
        resetWith(token, 'another-brass-kettle-77'),
      ]);
      expect([a.status, b.status].sort()).toEqual([303, 400]);
      expect(await audit('auth.password.reset', p.email)).toHaveLength(1);
    });

    it('refuses an expired link', async () => {
      const p = await member();
      const token = await requestLink(p);
      t.clock.advance(TTL_SECONDS - 1);
      expect((await new Client(t.server).get(`/reset-password?token=${token}`)).status).toBe(200);
      t.clock.advance(1);
      expectInvalid(await new Client(t.server).get(`/reset-password?token=${token}`));
      expectInvalid(await resetWith(token, 'copper-lantern-meadow-91'));
    });

    it('refuses a link superseded by a newer request', async () => {
      const p = await member();
      const first = await requestLink(p);
      const second = await requestLink(p);
      expect(second).not.toBe(first);
      expectInvalid(await new Client(t.server).get(`/reset-password?token=${first}`));
      expectInvalid(await resetWith(first, 'copper-lantern-meadow-91'));
      expect((await resetWith(second, 'copper-lantern-meadow-91')).status).toBe(303);
    });

    it('refuses a link once the account is disabled', async () => {
      const p = await member();
      const token = await requestLink(p);
      await withContext(t.app, () =>
        t.app.get(EntityManager).nativeUpdate(Person, { id: p.person.id }, { status: 'disabled' }),
      );
      expectInvalid(await new Client(t.server).get(`/reset-password?token=${token}`));
      expectInvalid(await resetWith(token, 'copper-lantern-meadow-91'));
    });

    it('keeps only the hash of a token in the database and no token in the audit log or outbox list', async () => {
      const p = await member();
      const token = await requestLink(p);
      const rows = await sql<{ tokenHash: string }>(
        'select token_hash as tokenHash from auth_tokens where person_id = ?',
        p.person.id,
      );
      expect(rows.map((r) => r.tokenHash)).not.toContain(token);
      const audits = await sql<{ details: string | null }>('select details from audit_entries');
      expect(JSON.stringify(audits)).not.toContain(token);
      expect(await outbox(p.email, 'password-reset')).toHaveLength(1);
    });
  });

  it('writes a parseable message to the outbox with the link in the text part', async () => {
    const p = await member();
    const token = await requestLink(p);
    const [mail] = t.peer.to(p.email).filter((m) => m.subject === RESET_SUBJECT);
    const parsed = await parseMail(mail.raw);
    expect(parsed.to).toContain(p.email);
    expect(parsed.text).toContain(`${BASE_URL}/reset-password?token=${token}`);
  });
});

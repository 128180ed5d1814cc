import { EntityManager } from '@mikro-orm/better-sqlite';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createOrganization, createPerson, type CreatedPerson } from '../../seeds/factories';
import { openSqlite } from '../../src/cli/sqlite-file';
import { SecretBox } from '../../src/common/security/secret-box';
import { withContext } from '../../src/platform/database/request-context';
import { totpCode } from '../../src/modules/auth/two-factor/totp';
import {
  TWO_FACTOR_CODE_REUSED,
  TWO_FACTOR_FAILED,
  TWO_FACTOR_PENDING_SECONDS,
} from '../../src/modules/auth/two-factor/two-factor-sign-in.service';
import { MailService } from '../../src/platform/mail/mail.service';
import { cli, expectOneLineError } from '../utils/cli';
import { fieldError, heading, isChecked, isInvalid, textOf, textsOf } from '../utils/html';
import { Client, csrfFrom } from '../utils/http';
import { mailFiles } from '../utils/mail';
import { createOperator, createTestApp, signedIn, TEST_SECRET, type TestApp } from '../utils/test-app';

/** The TOTP secret shown for typing into an app. */
const secretOn = (html: string) => textOf(html, '#totp-secret') ?? '';
const recoveryCodesIn = (html: string) => textsOf(html, 'code.recovery-code');
/** The refusal shown at the top of the page. */
const alertOn = (html: string) => textOf(html, '[role="alert"]');
/** The two-factor card's On/Off badge on /account/security. */
const twoFactorBadge = (html: string) => textOf(html, '#two-factor .card-actions .badge');

interface TwoFactorColumns {
  totpSecret: string | null;
  totpPendingSecret: string | null;
  totpEnabledAt: number | null;
  totpLastStep: number | null;
}

describe('two-factor sign-in (TOTP and recovery codes)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  const sql = <T>(query: string, params: unknown[] = []) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const columns = async (personId: string) =>
    (
      await sql<TwoFactorColumns>(
        `select s.secret as totpSecret, s.pending_secret as totpPendingSecret,
                p.totp_enabled_at as totpEnabledAt, s.last_step as totpLastStep
           from people p left join two_factor_secrets s on s.person_id = p.id where p.id = ?`,
        [personId],
      )
    )[0];
  const audit = (action: string, targetId: string) =>
    sql<{ outcome: string; details: string | null; actorLabel: string }>(
      `select outcome, details, actor_label as actorLabel from audit_entries
        where action = ? and target_id = ? order by id`,
      [action, targetId],
    );
  const mails = (to: string, template: string) =>
    sql<{ id: number }>(
      `select id from mail_messages
        where recipient = ? and template = ? order by id`,
      [to, template],
    );
  const code = (secret: string, offsetSeconds = 0) => totpCode(secret, new Date(+t.clock.now() + offsetSeconds * 1000));

  /** Turns two-factor on through the pages; the clock then moves to a fresh step. */
  async function enrol(client: Client): Promise<{ secret: string; recoveryCodes: string[] }> {
    const setup = await client.submit('/account/security', {}, '/account/2fa/setup');
    expect(setup.status).toBe(200);
    const secret = secretOn(setup.text);
    const enabled = await client.submit('/account/2fa/setup', { code: await code(secret) }, '/account/2fa/enable');
    expect(enabled.status).toBe(200);
    const recoveryCodes = recoveryCodesIn(enabled.text);
    expect(recoveryCodes).toHaveLength(10);
    t.clock.advance(30);
    return { secret, recoveryCodes };
  }

  async function memberWithTwoFactor() {
    const member = await signedIn(t, 'member');
    return { ...member, ...(await enrol(member.client)) };
  }

  /** The password step of a person with two-factor: a client waiting at /login/2fa. */
  async function passwordStep(email: string, password: string): Promise<Client> {
    const client = new Client(t.server);
    const res = await client.signIn(email, password);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login/2fa');
    return client;
  }

  const enterCode = (client: Client, value: string) => client.submit('/login/2fa', { code: value });

  describe('enrolment', () => {
    it('shows the QR code and the secret, and a wrong code leaves two-factor off', async () => {
      const member = await signedIn(t, 'member');
      const security = await member.client.get('/account/security');
      expect(security.status).toBe(200);
      expect(security.text).toContain('id="two-factor"');
      expect(security.text).toContain('id="recovery-codes"');
      expect(security.text).toContain('id="password"');
      expect(twoFactorBadge(security.text)).toBe('Off');

      const setup = await member.client.submit('/account/security', {}, '/account/2fa/setup');
      expect(setup.status).toBe(200);
      expect(setup.text).toMatch(/<img src="data:image\/svg\+xml;base64,[^"]+"[^>]*\balt="QR code[^"]+"/);
      const secret = secretOn(setup.text);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(setup.text).toMatch(/<input[^>]+name="code"[^>]+inputmode="numeric"[^>]+autocomplete="one-time-code"/);

      // Two steps ahead is not a code of now.
      const wrong = await member.client.submit(
        '/account/2fa/setup',
        { code: await code(secret, 60) },
        '/account/2fa/enable',
      );
      expect(wrong.status).toBe(400);
      expect(isInvalid(wrong.text, 'code')).toBe(true);
      expect(fieldError(wrong.text, 'code')).toBe('That code is not right. Enter the 6-digit code your app shows now.');
      expect(secretOn(wrong.text)).toBe(secret);
      expect(wrong.text).toContain('data:image/svg+xml;base64,');
      expect((await columns(member.person.id)).totpEnabledAt).toBeNull();
      expect((await columns(member.person.id)).totpSecret).toBeNull();
      expect(await audit('auth.2fa.enabled', member.person.id)).toHaveLength(0);

      // Still off: the password alone signs in.
      const again = await new Client(t.server).signIn(member.email, member.password);
      expect(again.headers.location).toBe('/dashboard');

      const enabled = await member.client.submit(
        '/account/2fa/setup',
        { code: await code(secret) },
        '/account/2fa/enable',
      );
      expect(enabled.status).toBe(200);
      const codes = recoveryCodesIn(enabled.text);
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      for (const c of codes) expect(c).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
      expect((await columns(member.person.id)).totpEnabledAt).not.toBeNull();
      expect(await audit('auth.2fa.enabled', member.person.id)).toHaveLength(1);

      const after = await member.client.get('/account/security');
      expect(twoFactorBadge(after.text)).toBe('On');
      expect(after.text).toContain('10 of 10 left');
    });

    it('stores the secret sealed and the recovery codes only as digests', async () => {
      const member = await memberWithTwoFactor();
      const row = await columns(member.person.id);
      expect(row.totpSecret).not.toContain(member.secret);
      expect(row.totpSecret).toMatch(/^v1\./);
      expect(row.totpPendingSecret).toBeNull();
      expect(new SecretBox(TEST_SECRET, 'totp').open(row.totpSecret!)).toBe(member.secret);
      // Nothing else in the row carries the secret either.
      const raw = JSON.stringify(await sql('select * from people where id = ?', [member.person.id]));
      expect(raw).not.toContain(member.secret);

      const stored = await sql<{ codeHash: string }>(
        'select code_hash as codeHash from recovery_codes where person_id = ?',
        [member.person.id],
      );
      expect(stored).toHaveLength(10);
      const dump = JSON.stringify(stored);
      for (const c of member.recoveryCodes) {
        expect(dump).not.toContain(c);
        expect(dump).not.toContain(c.replace('-', ''));
      }
      // Neither is in the audit log.
      const entries = JSON.stringify(await sql('select * from audit_entries where target_id = ?', [member.person.id]));
      expect(entries).not.toContain(member.secret);
      for (const c of member.recoveryCodes) expect(entries).not.toContain(c);
    });

    it('never shows the secret or the recovery codes again', async () => {
      const member = await memberWithTwoFactor();
      const setupAgain = await member.client.get('/account/2fa/setup');
      expect(setupAgain.status).toBe(303);
      expect(setupAgain.headers.location).toBe('/account/security');
      for (const path of ['/account/security', '/account', '/dashboard', '/account/2fa/disable']) {
        const res = await member.client.get(path);
        expect(res.status).toBe(200);
        expect(res.text).not.toContain(member.secret);
        for (const c of member.recoveryCodes) expect(res.text).not.toContain(c);
        expect(res.text).not.toContain('recovery-code"');
      }
    });

    it('re-enrolment keeps the old secret until the new one is confirmed, then kills it', async () => {
      const member = await memberWithTwoFactor();
      const setup = await member.client.submit('/account/security', {}, '/account/2fa/setup');
      const newSecret = secretOn(setup.text);
      expect(newSecret).not.toBe(member.secret);
      expect(setup.text).toContain('Your current app keeps working');

      // Abandoned half-way: the old app still signs in.
      const before = await passwordStep(member.email, member.password);
      expect((await enterCode(before, await code(member.secret))).headers.location).toBe('/dashboard');
      t.clock.advance(30);

      const confirmed = await member.client.submit(
        '/account/2fa/setup',
        { code: await code(newSecret) },
        '/account/2fa/enable',
      );
      expect(confirmed.status).toBe(200);
      const newCodes = recoveryCodesIn(confirmed.text);
      expect(newCodes).toHaveLength(10);
      t.clock.advance(30);

      const oldApp = await passwordStep(member.email, member.password);
      const refused = await enterCode(oldApp, await code(member.secret));
      expect(refused.status).toBe(401);
      const oldCode = await enterCode(oldApp, member.recoveryCodes[0]);
      expect(oldCode.status).toBe(401);
      const newApp = await enterCode(oldApp, await code(newSecret));
      expect(newApp.status).toBe(303);
      expect(newApp.headers.location).toBe('/dashboard');
      const entries = await audit('auth.2fa.enabled', member.person.id);
      expect(entries.map((e) => JSON.parse(e.details!).replaced)).toEqual([false, true]);
    });

    it('needs a recent password for setup, and a pending setup survives a refresh', async () => {
      const member = await signedIn(t, 'member');
      t.clock.advance(16 * 60);
      const stale = await member.client.submit('/account/security', {}, '/account/2fa/setup');
      expect(stale.status).toBe(303);
      expect(stale.headers.location).toMatch(/^\/account\/confirm\?next=/);
      expect((await columns(member.person.id)).totpPendingSecret).toBeNull();
    });
  });

  describe('the half-signed-in state', () => {
    it('reaches /login/2fa and nothing else; signing out still works', async () => {
      const member = await memberWithTwoFactor();
      const client = await passwordStep(member.email, member.password);
      const page = await client.get('/login/2fa');
      expect(page.status).toBe(200);
      expect(heading(page.text)).toBe('Two-factor sign-in');
      expect(page.text).toMatch(/<input[^>]+name="code"[^>]+inputmode="numeric"[^>]+autocomplete="one-time-code"/);
      // No account chrome while the code is pending.
      expect(page.text).not.toContain(member.person.name);
      expect(page.text).not.toContain('<nav aria-label="Main"');

      for (const path of [
        '/dashboard',
        '/account',
        '/account/security',
        '/account/2fa/setup',
        '/account/2fa/disable',
        '/account/activity',
        '/admin/organizations',
        '/admin/audit',
        '/admin/mail',
        '/admin/jobs',
        '/org/users',
        '/org/settings',
      ]) {
        const res = await client.get(path);
        expect([path, res.status, res.headers.location]).toEqual([path, 303, '/login/2fa']);
      }
      for (const path of ['/account/2fa/setup', '/account/2fa/recovery-codes', '/org/settings/two-factor']) {
        const res = await client.submit('/login/2fa', {}, path);
        expect([path, res.status, res.headers.location]).toEqual([path, 303, '/login/2fa']);
      }
      expect((await columns(member.person.id)).totpPendingSecret).toBeNull();

      const out = await client.submit('/login/2fa', {}, '/logout');
      expect(out.status).toBe(303);
      expect(out.headers.location).toBe('/login');
      expect((await client.get('/login/2fa')).headers.location).toBe('/login');
      expect((await client.get('/dashboard')).headers.location).toMatch(/^\/login/);
    });

    it('sends people who are not half-way elsewhere', async () => {
      expect((await new Client(t.server).get('/login/2fa')).headers.location).toBe('/login');
      const member = await signedIn(t, 'member');
      expect((await member.client.get('/login/2fa')).headers.location).toBe('/dashboard');
      const post = await member.client.submit('/dashboard', { code: '123456' }, '/login/2fa');
      expect(post.headers.location).toBe('/dashboard');
    });

    it('expires ten minutes after the password: back to /login', async () => {
      const member = await memberWithTwoFactor();
      const client = await passwordStep(member.email, member.password);
      t.clock.advance(TWO_FACTOR_PENDING_SECONDS - 30);
      const page = await client.get('/login/2fa');
      expect(page.status).toBe(200);
      // The page stays open past the limit; the right code comes too late.
      t.clock.advance(31);
      const late = await client.agent
        .post('/login/2fa')
        .type('form')
        .send({ code: await code(member.secret), _csrf: csrfFrom(page.text) })
        .redirects(0);
      expect(late.status).toBe(303);
      expect(late.headers.location).toBe('/login');
      // The session is over: the right code no longer helps.
      expect((await client.get('/login/2fa')).headers.location).toBe('/login');
      expect((await client.get('/dashboard')).headers.location).toMatch(/^\/login/);
      expect((await columns(member.person.id)).totpLastStep).toBeLessThan(Math.floor(+t.clock.now() / 30_000));
    });
  });

  describe('signing in with a code', () => {
    it('finishes with the current code and audits the method', async () => {
      const member = await memberWithTwoFactor();
      const client = await passwordStep(member.email, member.password);
      const res = await enterCode(client, await code(member.secret));
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/dashboard');
      const dashboard = await client.get('/dashboard');
      expect(dashboard.status).toBe(200);
      expect(dashboard.text).toContain(member.person.name);
      const logins = await audit('auth.login.succeeded', member.person.id);
      expect(JSON.parse(logins[logins.length - 1].details!)).toMatchObject({ method: 'totp' });
    });

    it('answers an altered code field (a list, an object) as a wrong code, on the same page', async () => {
      const member = await memberWithTwoFactor();
      const client = await passwordStep(member.email, member.password);
      for (const body of ['code[]=123456&code[]=654321', 'code[a]=123456', '']) {
        const page = await client.get('/login/2fa');
        const res = await client.agent
          .post('/login/2fa')
          .type('form')
          .send(`${body}&_csrf=${encodeURIComponent(csrfFrom(page.text))}`)
          .redirects(0);
        expect([body, res.status]).toEqual([body, 401]);
        expect(alertOn(res.text)).toBe(TWO_FACTOR_FAILED);
      }
      expect((await enterCode(client, await code(member.secret))).headers.location).toBe('/dashboard');
    });

    it('refuses a replayed code, also from another browser and the one used at enrolment, saying so, without counting it', async () => {
      const member = await signedIn(t, 'member');
      const setup = await member.client.submit('/account/security', {}, '/account/2fa/setup');
      const secret = secretOn(setup.text);
      const enrolCode = await code(secret);
      await member.client.submit('/account/2fa/setup', { code: enrolCode }, '/account/2fa/enable');
      const failures = async () =>
        (await sql<{ n: number }>('select failed_sign_ins as n from people where id = ?', [member.person.id]))[0].n;

      const first = await passwordStep(member.email, member.password);
      const again = await enterCode(first, enrolCode);
      expect(again.status).toBe(401);
      expect(alertOn(again.text)).toBe(TWO_FACTOR_CODE_REUSED);
      expect(await failures()).toBe(0);
      const fresh = await code(secret, 30);
      expect((await enterCode(first, fresh)).headers.location).toBe('/dashboard');
      const second = await passwordStep(member.email, member.password);
      const replay = await enterCode(second, fresh);
      expect(replay.status).toBe(401);
      expect(alertOn(replay.text)).toBe(TWO_FACTOR_CODE_REUSED);
      expect(await failures()).toBe(0);
      // A wrong code still counts.
      const wrong = await enterCode(second, fresh === '000000' ? '111111' : '000000');
      expect(alertOn(wrong.text)).toBe(TWO_FACTOR_FAILED);
      expect(await failures()).toBe(1);
    });

    it('lets only one of two racing requests use the same code', async () => {
      const member = await memberWithTwoFactor();
      const a = await passwordStep(member.email, member.password);
      const b = await passwordStep(member.email, member.password);
      const value = await code(member.secret);
      const results = await Promise.all([enterCode(a, value), enterCode(b, value)]);
      expect(results.map((r) => r.status).sort()).toEqual([303, 401]);
    });

    it('accepts the previous and next 30-second step, refuses two steps away', async () => {
      const member = await memberWithTwoFactor();
      t.clock.advance(300);
      const client = await passwordStep(member.email, member.password);
      expect((await enterCode(client, await code(member.secret, -60))).status).toBe(401);
      expect((await enterCode(client, await code(member.secret, 60))).status).toBe(401);
      expect((await enterCode(client, await code(member.secret, -30))).headers.location).toBe('/dashboard');

      const next = await passwordStep(member.email, member.password);
      expect((await enterCode(next, await code(member.secret, 30))).headers.location).toBe('/dashboard');
    });

    it('answers a wrong code with 401 and the generic message, counted by the lockout', async () => {
      const member = await memberWithTwoFactor();
      const client = await passwordStep(member.email, member.password);
      for (const wrong of ['000000', 'abc', '', '12345-abcde', await code(member.secret, 90)]) {
        const res = await enterCode(client, wrong);
        expect(res.status).toBe(401);
        expect(alertOn(res.text)).toBe(TWO_FACTOR_FAILED);
        expect(res.text).not.toContain(member.person.name);
      }
      const failures = await audit('auth.login.failed', member.person.id);
      expect(failures.map((f) => JSON.parse(f.details!).reason)).toEqual(Array(5).fill('wrong_second_factor'));
      // Five failures lock the account: now even the right code gets the same answer.
      expect(await audit('auth.lockout.started', member.person.id)).toHaveLength(1);
      const locked = await enterCode(client, await code(member.secret));
      expect(locked.status).toBe(401);
      expect(alertOn(locked.text)).toBe(TWO_FACTOR_FAILED);
      expect((await client.get('/dashboard')).headers.location).toBe('/login/2fa');
      expect(JSON.parse((await audit('auth.login.failed', member.person.id)).pop()!.details!).reason).toBe('locked');
      // Failures during the lockout do not count again.
      expect(await audit('auth.lockout.started', member.person.id)).toHaveLength(1);
    });
  });

  describe('recovery codes', () => {
    it('work once in the code field, are audited, and the owner is emailed', async () => {
      const member = await memberWithTwoFactor();
      await sql('update people set anti_phishing_phrase = ? where id = ?', ['purple otter', member.person.id]);
      const client = await passwordStep(member.email, member.password);
      // Typed loosely: case, spaces and the hyphen do not matter.
      const typed = ` ${member.recoveryCodes[0].toUpperCase().replace('-', ' ')} `;
      const res = await enterCode(client, typed);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/dashboard');
      const dashboard = await client.get('/dashboard');
      expect(dashboard.text).toContain('You signed in with a recovery code. 9 codes are left');

      const used = await audit('auth.2fa.recovery_code_used', member.person.id);
      expect(used).toHaveLength(1);
      expect(JSON.parse(used[0].details!)).toEqual({ remaining: 9 });
      const logins = await audit('auth.login.succeeded', member.person.id);
      expect(JSON.parse(logins[logins.length - 1].details!)).toMatchObject({ method: 'recovery_code' });

      // Read as delivered (the file transport): a sent message's bodies leave the outbox.
      await t.app.get(MailService).whenIdle();
      const delivered = (await mailFiles(t.dataDir)).filter((m) => m.to.includes(member.email));
      const [mail] = delivered.filter((m) => m.subject === 'A recovery code was used to sign in to SeatDesk');
      expect(mail.text).toContain('Recovery codes left: 9');
      expect(mail.text).toContain('Your security phrase: purple otter');
      expect(mail.html).toContain('purple otter');
      expect(mail.links).toContain(`${t.config.baseUrl}/account/security`);
      expect(mail.text).not.toContain(member.recoveryCodes[0]);

      expect((await client.get('/account/security')).text).toContain('9 of 10 left');
      const again = await passwordStep(member.email, member.password);
      const reused = await enterCode(again, member.recoveryCodes[0]);
      expect(reused.status).toBe(401);
      expect(await audit('auth.2fa.recovery_code_used', member.person.id)).toHaveLength(1);
      expect(await mails(member.email, 'recovery-code-used')).toHaveLength(1);
    });

    it('can be made anew: the old ones stop working', async () => {
      const member = await memberWithTwoFactor();
      const res = await member.client.submit('/account/security', {}, '/account/2fa/recovery-codes');
      expect(res.status).toBe(200);
      const fresh = recoveryCodesIn(res.text);
      expect(fresh).toHaveLength(10);
      expect(fresh.filter((c) => member.recoveryCodes.includes(c))).toEqual([]);
      expect(await audit('auth.2fa.recovery_codes_regenerated', member.person.id)).toHaveLength(1);

      const client = await passwordStep(member.email, member.password);
      expect((await enterCode(client, member.recoveryCodes[1])).status).toBe(401);
      expect((await enterCode(client, fresh[1])).headers.location).toBe('/dashboard');
    });
  });

  describe('turning two-factor off', () => {
    it('needs both the password and a code', async () => {
      const member = await memberWithTwoFactor();
      const page = await member.client.get('/account/2fa/disable');
      expect(page.status).toBe(200);
      const disable = (fields: Record<string, string>) =>
        member.client.submit('/account/2fa/disable', fields, '/account/2fa/disable');

      // One answer whichever was wrong: the form never confirms a guessed password.
      const page_ = (res: { text: string }) => res.text.replace(/name="_csrf" value="[^"]+"/, '');
      const wrongPassword = await disable({ password: 'not-my-password-1', code: await code(member.secret) });
      expect(wrongPassword.status).toBe(400);
      expect(wrongPassword.text).toContain('The password or the code is not right.');
      expect(wrongPassword.text).not.toContain('not-my-password-1');
      const wrongCode = await disable({ password: member.password, code: await code(member.secret, 90) });
      expect(wrongCode.status).toBe(400);
      expect(page_(wrongCode)).toBe(page_(wrongPassword));
      expect(wrongCode.text).not.toContain(member.password);
      const missing = await disable({ password: member.password });
      expect(missing.status).toBe(400);
      expect((await columns(member.person.id)).totpEnabledAt).not.toBeNull();
      expect(await audit('auth.2fa.disabled', member.person.id)).toHaveLength(0);

      const done = await disable({ password: member.password, code: await code(member.secret) });
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/account/security');
      const row = await columns(member.person.id);
      expect(row).toEqual({ totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null });
      expect(await sql('select id from recovery_codes where person_id = ?', [member.person.id])).toHaveLength(0);
      expect(await audit('auth.2fa.disabled', member.person.id)).toHaveLength(1);
      expect(await mails(member.email, 'two-factor-disabled')).toHaveLength(1);
      expect(twoFactorBadge((await member.client.get('/account/security')).text)).toBe('Off');

      const signIn = await new Client(t.server).signIn(member.email, member.password);
      expect(signIn.headers.location).toBe('/dashboard');
    });

    it('is refused while the account is locked, even with the right password and code', async () => {
      const member = await memberWithTwoFactor();
      const disable = (fields: Record<string, string>) =>
        member.client.submit('/account/2fa/disable', fields, '/account/2fa/disable');
      for (let i = 0; i < 5; i++) {
        expect((await disable({ password: `thief-guess-${i}-xyz`, code: '000000' })).status).toBe(400);
      }
      const locked = await disable({ password: member.password, code: await code(member.secret) });
      expect(locked.status).toBe(400);
      expect(locked.text).toContain('your account is locked for a while');
      expect((await columns(member.person.id)).totpEnabledAt).not.toBeNull();
    });

    it('also takes a recovery code', async () => {
      const member = await memberWithTwoFactor();
      const done = await member.client.submit(
        '/account/2fa/disable',
        { password: member.password, code: member.recoveryCodes[3] },
        '/account/2fa/disable',
      );
      expect(done.status).toBe(303);
      expect((await columns(member.person.id)).totpEnabledAt).toBeNull();
    });
  });

  describe('an organization that requires two-factor', () => {
    it('holds its members at enrolment until they turn it on', async () => {
      const org = await createOrganization(t.app);
      const admin = await signedIn(t, 'admin', { organization: org });
      const member = await createPerson(t.app, { role: 'member', organization: org });

      const settings = await admin.client.get('/org/settings');
      expect(settings.status).toBe(200);
      expect(settings.text).toContain('href="/org/settings"');
      expect(isChecked(settings.text, 'requireTwoFactor')).toBe(false);
      // It changes how everyone signs in: after 15 minutes the admin types the password again first.
      t.clock.advance(16 * 60);
      const asked = await admin.client.submit('/org/settings', { requireTwoFactor: 'on' }, '/org/settings/two-factor');
      expect(asked.headers.location).toBe('/account/confirm?next=%2Forg%2Fsettings');
      expect(await audit('organization.two_factor_required', org.id)).toHaveLength(0);
      expect((await admin.client.submit(asked.headers.location, { password: admin.password })).status).toBe(303);
      const turnOn = await admin.client.submit('/org/settings', { requireTwoFactor: 'on' }, '/org/settings/two-factor');
      expect(turnOn.status).toBe(303);
      expect(turnOn.headers.location).toBe('/org/settings');
      expect(isChecked((await admin.client.get('/org/settings')).text, 'requireTwoFactor')).toBe(true);
      expect(await audit('organization.two_factor_required', org.id)).toHaveLength(1);

      const client = new Client(t.server);
      const signIn = await client.signIn(member.email, member.password);
      expect(signIn.status).toBe(303);
      expect(signIn.headers.location).toBe('/account/security');
      for (const path of ['/dashboard', '/account', '/org/users', '/account/2fa/disable', '/admin/organizations']) {
        const res = await client.get(path);
        expect([path, res.status, res.headers.location]).toEqual([path, 303, '/account/security']);
      }
      const security = await client.get('/account/security');
      expect(security.status).toBe(200);
      expect(security.text).toContain('Your organization requires two-factor sign-in.');
      expect(security.text).not.toContain('<nav aria-label="Main"');
      expect(security.text).toContain('action="/logout"');

      const { secret } = await enrolWith(client);
      expect((await client.get('/dashboard')).status).toBe(200);

      // Required: it cannot be turned off, only moved to a new device.
      expect((await client.get('/account/2fa/disable')).headers.location).toBe('/account/security');
      const refused = await client.submit(
        '/account/security',
        { password: member.password, code: await code(secret) },
        '/account/2fa/disable',
      );
      expect(refused.status).toBe(403);
      expect((await columns(member.person.id)).totpEnabledAt).not.toBeNull();

      // Next time: password, then the code.
      const next = await passwordStep(member.email, member.password);
      expect((await enterCode(next, await code(secret))).headers.location).toBe('/dashboard');

      // A member held at enrolment when the requirement is lifted goes on to the dashboard.
      const late = await createPerson(t.app, { role: 'member', organization: org });
      const held = new Client(t.server);
      expect((await held.signIn(late.email, late.password)).headers.location).toBe('/account/security');

      const turnOff = await admin.client.submit('/org/settings', {}, '/org/settings/two-factor');
      expect(turnOff.status).toBe(303);
      expect(await audit('organization.two_factor_not_required', org.id)).toHaveLength(1);
      // Opening the page changes nothing (no GET does): going on is the page's button, a POST.
      const released = await held.get('/account/security');
      expect(released.status).toBe(200);
      expect(released.text).toContain('Your organization no longer requires two-factor sign-in.');
      expect((await held.get('/dashboard')).headers.location).toBe('/account/security');
      const goOn = await held.submit('/account/security', {}, '/account/security/continue');
      expect(goOn.status).toBe(303);
      expect(goOn.headers.location).toBe('/dashboard');
      expect((await held.get('/dashboard')).status).toBe(200);
    });

    it('is an admin setting of their own organization only', async () => {
      const org = await createOrganization(t.app);
      const other = await signedIn(t, 'admin');
      const member = await signedIn(t, 'member', { organization: org });
      const helpdesk = await signedIn(t, 'helpdesk');
      expect((await member.client.get('/org/settings')).status).toBe(403);
      expect((await helpdesk.client.get('/org/settings')).status).toBe(403);
      const forged = await member.client.submit('/dashboard', { requireTwoFactor: 'on' }, '/org/settings/two-factor');
      expect(forged.status).toBe(403);

      // Another organization's admin changes their own organization, never this one.
      await other.client.submit('/org/settings', { requireTwoFactor: 'on' }, '/org/settings/two-factor');
      const rows = await sql<{ require: number }>(
        'select require_two_factor as "require" from organizations where id = ?',
        [org.id],
      );
      expect(rows[0].require).toBe(0);
      expect((await member.client.get('/dashboard')).text).not.toContain('href="/org/settings"');
      const bad = await other.client.submit('/org/settings', { requireTwoFactor: 'maybe' }, '/org/settings/two-factor');
      expect(bad.status).toBe(400);
    });

    async function enrolWith(client: Client) {
      const setup = await client.submit('/account/security', {}, '/account/2fa/setup');
      expect(setup.status).toBe(200);
      const secret = secretOn(setup.text);
      const enabled = await client.submit('/account/2fa/setup', { code: await code(secret) }, '/account/2fa/enable');
      expect(enabled.status).toBe(200);
      expect(enabled.text).toContain('href="/dashboard"');
      t.clock.advance(30);
      return { secret };
    }
  });
});

// The CLI runs in this process with its own Nest graph (as `npm run cli` does
// beside a server), so the server is stopped first and the file read directly.
describe('user:reset-2fa', () => {
  let t: TestApp;
  let withTwoFactor: CreatedPerson;
  let withoutTwoFactor: CreatedPerson;
  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
    const member = await signedIn(t, 'member');
    const setup = await member.client.submit('/account/security', {}, '/account/2fa/setup');
    const secret = secretOn(setup.text);
    const enabled = await member.client.submit(
      '/account/2fa/setup',
      { code: await totpCode(secret, t.clock.now()) },
      '/account/2fa/enable',
    );
    expect(recoveryCodesIn(enabled.text)).toHaveLength(10);
    withTwoFactor = member;
    withoutTwoFactor = await createPerson(t.app, { role: 'member' });
    await t.app.close();
  });
  afterAll(() => rmSync(t.dataDir, { recursive: true, force: true }));

  const query = <T>(sqlText: string, ...params: unknown[]) => {
    const db = openSqlite(join(t.dataDir, 'seatdesk.db'), { fileMustExist: true });
    try {
      return db.prepare(sqlText).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  const enabledAt = (personId: string) =>
    query<{ at: number | null }>('select totp_enabled_at as at from people where id = ?', personId)[0].at;

  it('fails with one line for an unknown address, a person without two-factor, or no reason', async () => {
    expectOneLineError(
      await cli(t.dataDir, ['user:reset-2fa', '--email', 'nobody@example.test', '--reason', 'ticket 1']),
      /^user:reset-2fa: No person has the email address nobody@example\.test\.\n$/,
    );
    expectOneLineError(
      await cli(t.dataDir, ['user:reset-2fa', '--email', withoutTwoFactor.email, '--reason', 'ticket 2']),
      /two-factor sign-in is not on/i,
    );
    expectOneLineError(await cli(t.dataDir, ['user:reset-2fa', '--email', withTwoFactor.email]), /--reason/);
    expectOneLineError(
      await cli(t.dataDir, ['user:reset-2fa', '--email', withTwoFactor.email, '--reason', ' ']),
      /reason: Give a reason/,
    );
    expect(enabledAt(withTwoFactor.person.id)).not.toBeNull();
    expect(query('select id from audit_entries where action = ?', 'user.2fa_reset')).toHaveLength(0);
  });

  it('removes two-factor, audits the reason and tells the person', async () => {
    const result = await cli(t.dataDir, [
      'user:reset-2fa',
      '--email',
      withTwoFactor.email.toUpperCase(),
      '--reason',
      'Lost phone, ticket #4521',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(withTwoFactor.email);
    const id = withTwoFactor.person.id;
    expect(enabledAt(id)).toBeNull();
    expect(
      query('select secret as s, pending_secret as p, last_step as l from two_factor_secrets where person_id = ?', id),
    ).toEqual([]);
    expect(query('select id from recovery_codes where person_id = ?', id)).toHaveLength(0);
    const entries = query<{ actorLabel: string; details: string }>(
      'select actor_label as actorLabel, details from audit_entries where action = ? and target_id = ?',
      'user.2fa_reset',
      id,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0].actorLabel).toBe('cli');
    expect(JSON.parse(entries[0].details)).toEqual({ reason: 'Lost phone, ticket #4521' });
    const mail = query<{ subject: string }>(
      'select subject from mail_messages where recipient = ? and template = ?',
      withTwoFactor.email,
      'two-factor-disabled',
    );
    expect(mail).toEqual([{ subject: 'Two-factor sign-in was turned off for your SeatDesk account' }]);
    // The chain the CLI extended still verifies.
    expect((await cli(t.dataDir, ['audit:verify'])).code).toBe(0);
  });
});

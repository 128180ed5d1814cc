import { EntityManager } from '@mikro-orm/better-sqlite';
import { createPerson, type CreatedPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { MailService } from '../../src/platform/mail/mail.service';
import { activityQuery } from '../../src/platform/audit/audit.repository';
import { Client, csrfFrom } from '../utils/http';
import { all, fieldError, fieldValue, flashMessages, heading, links, pageLink, tableRows } from '../utils/html';
import { linkTo, type ParsedMail } from '../utils/mail';
import { createMailedTestApp, signedIn, type MailedTestApp } from '../utils/test-app';

const BASE_URL = 'http://desk.example.test';
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const NEW_PASSWORD = 'amber-orchard-compass-917';

type MailRow = Pick<ParsedMail, 'subject' | 'text' | 'html' | 'links'>;

interface AuditRow {
  action: string;
  actorId: string | null;
  targetId: string | null;
  outcome: string;
  details: string | null;
}

/** Posts a form of `page` as a browser does, with the page as the Referer. */
async function postFrom(client: Client, page: string, path: string, fields: Record<string, string>) {
  const form = await client.agent.get(page);
  return client.agent
    .post(path)
    .set('Referer', `http://127.0.0.1${page}`)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(form.text) })
    .redirects(0);
}

/** The form of a confirmation link's page: where it posts and the token it carries. */
function confirmForm(html: string) {
  const form = all(html, 'form').find((f) => f.querySelector('input[name="token"]'));
  if (!form) throw new Error('No confirmation form on the page');
  return { action: form.getAttribute('action')!, token: fieldValue(form, 'token')! };
}

/** Opens a confirmation link from a mail (a page that asks), then presses its button as a person does. */
async function followLink(client: Client, link: string) {
  const page = await client.get(link);
  expect(page.status).toBe(200);
  const { action, token } = confirmForm(page.text);
  return client.agent
    .post(action)
    .type('form')
    .send({ token, _csrf: csrfFrom(page.text) })
    .redirects(0);
}

describe('account details', () => {
  let t: MailedTestApp;
  const em = () => t.app.get(EntityManager);
  const sql = <T extends object>(query: string, params: unknown[] = []) =>
    withContext(t.app, () => em().execute<T[]>(query, params));
  // What the recipient received (the outbox empties a message's bodies once it is sent).
  const mailsTo = async (to: string): Promise<MailRow[]> =>
    (await t.mailTo(to)).map(({ subject, text, html, links }) => ({ subject, text, html, links }));
  const sendTest = async (to: string) => {
    await withContext(t.app, () => t.app.get(MailService).enqueue('test-message', to));
  };
  const auditOf = (personId: string, action: string) =>
    sql<AuditRow>(
      `select action, actor_id as actorId, target_id as targetId, outcome, details from audit_entries
        where target_id = ? and action = ? order by id`,
      [personId, action],
    );
  /** The path and query of the link to `path` in a mail's text part. */
  const linkIn = (mail: MailRow, path: string) => {
    const url = linkTo(mail, path);
    expect(url.origin).toBe(BASE_URL);
    expect(url.searchParams.get('token')).toMatch(/^[\w-]+$/);
    return `${url.pathname}${url.search}`;
  };

  beforeAll(async () => {
    t = await createMailedTestApp({ BASE_URL });
  });
  afterAll(() => t?.close());

  describe('the account page', () => {
    it('shows the profile, the forms and the links, and the person menu has Security and Activity', async () => {
      const { client, person } = await signedIn(t, 'member');
      const res = await client.get('/account');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<title>Account · SeatDesk</title>');
      expect(res.text).toContain(`value="${person.name}"`);
      expect(res.text).toContain(person.email);
      for (const action of ['/account/profile', '/account/email', '/account/backup-email', '/account/phrase']) {
        expect(res.text).toContain(`action="${action}"`);
      }
      for (const link of ['/account/password', '/account/sessions', '/account/activity', '/account/security']) {
        expect(res.text).toContain(`href="${link}"`);
      }
      const menu = links(res.text, '.app-user-dropdown a');
      expect(menu).toEqual(
        expect.arrayContaining([
          { label: 'Security', href: '/account/security' },
          { label: 'Activity', href: '/account/activity' },
        ]),
      );
    });

    it('sends a signed-out visitor to sign in first', async () => {
      for (const path of ['/account', '/account/password', '/account/activity', '/account/sessions']) {
        const res = await new Client(t.server).get(path);
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
      }
    });

    it('renames the person (audited) and refuses an empty name beside the field, keeping the page whole', async () => {
      const { client, person } = await signedIn(t, 'member');
      const res = await client.submit('/account', { name: '  Ada Lovelace  ' }, '/account/profile');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
      const page = await client.get('/account');
      expect(page.text).toContain('Your name was saved.');
      expect(page.text).toContain('value="Ada Lovelace"');
      expect((await client.get('/dashboard')).text).toContain('Ada Lovelace');
      const [entry] = await auditOf(person.id, 'user.updated');
      expect(entry).toMatchObject({ actorId: person.id, outcome: 'success' });
      expect(JSON.parse(entry.details!)).toEqual({ changed: ['name'] });

      const bad = await client.submit('/account', { name: '   ' }, '/account/profile');
      expect(bad.status).toBe(400);
      expect(fieldError(bad.text, 'name')).toBe('Enter your name.');
      expect(bad.text).toContain('href="#field-name"');
      // The rest of the page is there: the other cards and the person's details.
      expect(bad.text).toContain(person.email);
      expect(bad.text).toContain('action="/account/phrase"');
    });

    it('refuses a form without its CSRF token', async () => {
      const { client } = await signedIn(t, 'member');
      expect((await client.postWithoutCsrf('/account/profile', { name: 'Forged' })).status).toBe(403);
    });
  });

  describe('password typed again for sensitive changes (@RecentAuth)', () => {
    it('counts the sign-in; after 16 minutes asks for the password, then returns to the page', async () => {
      const { client, person, password } = await signedIn(t, 'member');
      // Within 15 minutes of signing in: allowed at once.
      expect((await client.submit('/account', { phrase: 'quiet harbour' }, '/account/phrase')).status).toBe(303);

      t.clock.advance(16 * 60);
      const asked = await postFrom(client, '/account', '/account/email', { newEmail: 'elsewhere@example.test' });
      expect(asked.status).toBe(303);
      expect(asked.headers.location).toBe('/account/confirm?next=%2Faccount');
      expect(await mailsTo('elsewhere@example.test')).toHaveLength(0);

      const form = await client.get(asked.headers.location);
      expect(form.status).toBe(200);
      expect(form.text).toMatch(
        /<input type="password" id="field-password" name="password"[^>]*autocomplete="current-password"/,
      );
      expect(form.text).toContain('id="caps-lock-hint"');
      expect(form.text).toContain('name="next" value="/account"');

      const wrong = await client.submit(asked.headers.location, { password: `${password}x`, next: '/account' });
      expect(wrong.status).toBe(401);
      expect(fieldError(wrong.text, 'password')).toBe(
        'This password is not right. Type the password you sign in with.',
      );
      expect(wrong.text).not.toContain(`${password}x`);
      const [failed] = await auditOf(person.id, 'auth.reauth.failed');
      expect(failed).toMatchObject({ outcome: 'failure' });
      expect(JSON.parse(failed.details!)).toEqual({ purpose: 'confirm' });
      // Still not confirmed.
      const still = await postFrom(client, '/account', '/account/phrase', { phrase: 'calm lighthouse' });
      expect(still.headers.location).toBe('/account/confirm?next=%2Faccount');

      const right = await client.submit(asked.headers.location, { password, next: '/account' });
      expect(right.status).toBe(303);
      expect(right.headers.location).toBe('/account');
      const again = await client.submit('/account', { newEmail: 'elsewhere@example.test' }, '/account/email');
      expect(again.status).toBe(303);
      expect(again.headers.location).toBe('/account');
      expect(await mailsTo('elsewhere@example.test')).toHaveLength(1);
    });

    it('counts wrong passwords towards the lockout, and refuses even the right one while locked', async () => {
      const { client, email, password } = await signedIn(t, 'member');
      for (let i = 0; i < 5; i++) {
        const wrong = await client.submit('/account/confirm?next=%2Faccount', { password: `guess-${i}-of-a-thief` });
        expect(wrong.status).toBe(401);
      }
      const locked = await client.submit('/account/confirm?next=%2Faccount', { password });
      expect(locked.status).toBe(401);
      expect(fieldError(locked.text, 'password')).toContain('your account is locked for a while');
      const change = await client.submit('/account/password', {
        currentPassword: password,
        newPassword: 'quilted-harbour-lantern-63',
        confirmPassword: 'quilted-harbour-lantern-63',
      });
      expect(change.status).toBe(400);
      expect(fieldError(change.text, 'currentPassword')).toContain('your account is locked for a while');
      // The lock is the sign-in's lock: the right password does not sign in elsewhere either.
      expect((await new Client(t.server).signIn(email, password)).status).toBe(401);
      expect((await mailsTo(email)).some((m) => m.subject.startsWith('Your SeatDesk account is locked'))).toBe(true);
    });

    it('only ever returns to a path on this site', async () => {
      const { client, password } = await signedIn(t, 'member');
      for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
        const res = await client.submit(`/account/confirm?next=${encodeURIComponent(next)}`, { password, next });
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/account');
      }
    });
  });

  describe('email change', () => {
    it('is confirmed from the new address, announced to the old one, and effective only then', async () => {
      const { client, person, email: oldEmail, password } = await signedIn(t, 'member');
      await client.submit('/account', { phrase: 'copper moth at dawn' }, '/account/phrase');
      const newEmail = `new.${oldEmail}`;

      const res = await client.submit('/account', { newEmail: `  ${newEmail.toUpperCase()} ` }, '/account/email');
      expect(res.status).toBe(303);
      expect(flashMessages((await client.get('/account')).text).join(' ')).toContain(`We sent a link to ${newEmail}.`);

      const [confirm] = await mailsTo(newEmail);
      expect(confirm.subject).toBe('Confirm your new SeatDesk email address');
      // Not the person's address yet: no phrase there.
      expect(confirm.text).not.toContain('copper moth at dawn');
      const link = linkIn(confirm, '/account/email/confirm');
      const [notice] = await mailsTo(oldEmail);
      expect(notice.subject).toBe('A change of your SeatDesk email address was requested');
      expect(notice.text).toContain(newEmail);
      expect(notice.text).toContain('Your security phrase: copper moth at dawn');
      const [requested] = await auditOf(person.id, 'user.email_change_requested');
      expect(JSON.parse(requested.details!)).toEqual({ newEmail });

      // Not effective yet: the old address still signs in, the new one does not.
      expect((await new Client(t.server).signIn(oldEmail, password)).status).toBe(303);
      expect((await new Client(t.server).signIn(newEmail, password)).status).toBe(401);

      // Followed signed out: effective once confirmed, and back to sign-in.
      const visitor = new Client(t.server);
      const followed = await followLink(visitor, link);
      expect(followed.status).toBe(303);
      expect(followed.headers.location).toBe('/login');
      expect((await visitor.get('/login')).text).toContain(`Your email address is now ${newEmail}.`);
      expect((await new Client(t.server).signIn(newEmail, password)).status).toBe(303);
      expect((await new Client(t.server).signIn(oldEmail, password)).status).toBe(401);
      const [changed] = await auditOf(person.id, 'user.email_changed');
      expect(JSON.parse(changed.details!)).toEqual({ from: oldEmail, to: newEmail });
      const done = await mailsTo(oldEmail);
      expect(done[done.length - 1].subject).toBe('Your SeatDesk email address was changed');
      expect(done[done.length - 1].text).toContain('Your security phrase: copper moth at dawn');

      // The link works once.
      const reused = await new Client(t.server).get(link);
      expect(reused.status).toBe(400);
      expect(reused.text).toContain('This link is not valid');
    });

    it('refuses altered, unknown and superseded links', async () => {
      const { client, email } = await signedIn(t, 'member');
      await client.submit('/account', { newEmail: `first.${email}` }, '/account/email');
      await client.submit('/account', { newEmail: `second.${email}` }, '/account/email');
      const first = linkIn((await mailsTo(`first.${email}`))[0], '/account/email/confirm');
      const second = linkIn((await mailsTo(`second.${email}`))[0], '/account/email/confirm');
      const token = second.split('token=')[1];
      const altered = `/account/email/confirm?token=${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      for (const path of [first, altered, '/account/email/confirm?token=nonsense', '/account/email/confirm']) {
        const res = await client.get(path);
        expect(res.status).toBe(400);
      }
      // A link of another purpose is no email-change link.
      expect((await client.get(second.replace('/account/email/', '/account/backup-email/'))).status).toBe(400);
      // The newest one still works, signed in: back to the account page.
      const ok = await followLink(client, second);
      expect(ok.status).toBe(303);
      expect(ok.headers.location).toBe('/account');
    });

    it('changes nothing when the link is only opened (a mail scanner), until its form is posted', async () => {
      const { client, person, email: oldEmail, password } = await signedIn(t, 'member');
      const newEmail = `scanned.${oldEmail}`;
      await client.submit('/account', { newEmail }, '/account/email');
      const link = linkIn((await mailsTo(newEmail))[0], '/account/email/confirm');
      const mailsBefore = (await mailsTo(oldEmail)).length;

      const scanner = new Client(t.server);
      const opened = await scanner.get(link);
      expect(opened.status).toBe(200);
      expect(heading(opened.text)).toBe('Confirm your new email address');
      expect(opened.text).toContain(`<strong>${newEmail}</strong>`);
      const { action, token } = confirmForm(opened.text);
      expect(action).toBe('/account/email/confirm');
      expect(link).toContain(`token=${token}`);
      expect((await scanner.agent.head(link).redirects(0)).status).toBe(200);
      // Nor does a POST without the page's CSRF token (a forged form).
      expect((await scanner.postWithoutCsrf('/account/email/confirm', { token })).status).toBe(403);

      const [row] = await sql<{ email: string }>('select email from people where id = ?', [person.id]);
      expect(row.email).toBe(oldEmail);
      expect(await auditOf(person.id, 'user.email_changed')).toHaveLength(0);
      expect(await mailsTo(oldEmail)).toHaveLength(mailsBefore);
      expect((await new Client(t.server).signIn(oldEmail, password)).status).toBe(303);
      // The link still works: opened again, it asks again.
      expect((await scanner.get(link)).status).toBe(200);

      const confirmed = await followLink(scanner, link);
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.location).toBe('/login');
      expect(flashMessages((await scanner.get('/login')).text)).toEqual([
        `Your email address is now ${newEmail}. Use it to sign in from now on.`,
      ]);
      const [after] = await sql<{ email: string }>('select email from people where id = ?', [person.id]);
      expect(after.email).toBe(newEmail);
      expect(await auditOf(person.id, 'user.email_changed')).toHaveLength(1);
      // Used now: the page and the form both refuse it.
      expect((await scanner.get(link)).status).toBe(400);
      const again = await scanner.submit('/login', { token }, '/account/email/confirm');
      expect(again.status).toBe(400);
      expect(again.text).toContain('This link is not valid');
    });

    it('refuses the address when another account took it meanwhile', async () => {
      const { client, person, email } = await signedIn(t, 'member');
      const wanted = `wanted.${email}`;
      await client.submit('/account', { newEmail: wanted }, '/account/email');
      const link = linkIn((await mailsTo(wanted))[0], '/account/email/confirm');
      await createPerson(t.app, { role: 'member', email: wanted });
      const res = await client.get(link);
      expect(res.status).toBe(400);
      expect(res.text).toContain('now used by another account');
      const [row] = await sql<{ email: string }>('select email from people where id = ?', [person.id]);
      expect(row.email).toBe(email);
    });

    it('answers an address another account uses as any other, and tells that address instead of sending a link', async () => {
      const { client, person, email } = await signedIn(t, 'member');
      const other = await createPerson(t.app, { role: 'member' });
      const free = `free.${email}`;
      const answers = [];
      for (const newEmail of [other.email, free]) {
        const res = await client.submit('/account', { newEmail }, '/account/email');
        const page = await client.get('/account');
        answers.push({
          status: res.status,
          location: res.headers.location,
          flash: page.text.includes(`We sent a link to ${newEmail}.`),
        });
      }
      expect(answers).toEqual([
        { status: 303, location: '/account', flash: true },
        { status: 303, location: '/account', flash: true },
      ]);
      const [taken] = await mailsTo(other.email);
      expect(taken.subject).toBe('Someone tried to use this address for SeatDesk');
      expect(taken.text).not.toMatch(/token=/);
      expect(linkIn((await mailsTo(free))[0], '/account/email/confirm')).toMatch(/token=/);
      // The owner's own address hears of both requests.
      expect(
        (await mailsTo(email)).filter((m) => m.subject.startsWith('A change of your SeatDesk email')),
      ).toHaveLength(2);
      const [row] = await sql<{ email: string }>('select email from people where id = ?', [person.id]);
      expect(row.email).toBe(email);
      const audits = await auditOf(person.id, 'user.email_change_requested');
      // The log and the activity page say the same of both requests.
      expect(audits.map((a) => [a.outcome, JSON.parse(a.details!).newEmail])).toEqual([
        ['success', other.email],
        ['success', free],
      ]);
      const activity = await client.get('/account/activity');
      expect(activity.text).not.toMatch(/Failed/);
    });

    it('refuses its own address and a malformed one beside the field', async () => {
      const { client, email } = await signedIn(t, 'member');
      const cases: [string, string][] = [
        [email.toUpperCase(), 'This is already your email address.'],
        ['not-an-address', 'Enter an email address like name@example.com.'],
      ];
      for (const [newEmail, message] of cases) {
        const res = await client.submit('/account', { newEmail }, '/account/email');
        expect(res.status).toBe(400);
        expect(fieldError(res.text, 'newEmail')).toBe(message);
        expect(res.text).toContain(`value="${newEmail}"`);
      }
    });
  });

  describe('a session in the wrong hands', () => {
    it('cannot keep an email change alive past a password change', async () => {
      const { client: owner, person, email, password } = await signedIn(t, 'member');
      const thief = new Client(t.server);
      expect((await thief.signIn(email, password)).status).toBe(303);
      const stolen = `thief.${email}`;
      expect((await thief.submit('/account', { newEmail: stolen }, '/account/email')).status).toBe(303);
      const link = linkIn((await mailsTo(stolen))[0], '/account/email/confirm');

      const changed = await owner.submit('/account/password', {
        currentPassword: password,
        newPassword: 'marble-kettle-orchard-29',
        confirmPassword: 'marble-kettle-orchard-29',
      });
      expect(changed.status).toBe(303);
      expect((await thief.get('/account')).headers.location).toMatch(/^\/login/);
      const followed = await new Client(t.server).get(link);
      expect(followed.status).toBe(400);
      const [row] = await sql<{ email: string }>('select email from people where id = ?', [person.id]);
      expect(row.email).toBe(email);
    });
  });

  describe('password change', () => {
    it('needs the current password, checks the policy, ends every other session and keeps this one', async () => {
      const { client, person, email, password } = await signedIn(t, 'member');
      const elsewhere = new Client(t.server);
      expect((await elsewhere.signIn(email, password)).status).toBe(303);
      const change = (fields: Record<string, string>) => client.submit('/account/password', fields);

      const page = await client.get('/account/password');
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/name="currentPassword"[^>]*autocomplete="current-password"/);
      expect(page.text).toMatch(/name="newPassword"[^>]*autocomplete="new-password"[^>]*minlength="12"/);
      expect(page.text).toContain('A passphrase of a few unrelated words works well.');
      expect(page.text).toContain('id="field-newPassword-caps"');
      expect(page.text).toContain('<script src="/assets/app/js/password-strength.js" defer></script>');

      const wrong = await change({
        currentPassword: 'not-my-password-at-all',
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
      expect(wrong.status).toBe(400);
      expect(fieldError(wrong.text, 'currentPassword')).toBe('Your current password is not right.');
      const [failed] = await auditOf(person.id, 'auth.reauth.failed');
      expect(JSON.parse(failed.details!)).toEqual({ purpose: 'password_change' });

      const weak = await change({
        currentPassword: password,
        newPassword: 'password1234',
        confirmPassword: 'password1234',
      });
      expect(weak.status).toBe(400);
      expect(fieldError(weak.text, 'newPassword')).toMatch(/^This password is too easy to guess/);
      // The meter shows the server's verdict on the refused password, without JavaScript.
      expect(weak.text).toMatch(/<div class="mt-2" data-strength>/);
      expect(weak.text).toMatch(/<meter [^>]*value="[0-2]"/);
      expect(weak.text).toContain('not strong enough');

      const short = await change({ currentPassword: password, newPassword: 'short', confirmPassword: 'short' });
      expect(fieldError(short.text, 'newPassword')).toBe('Use at least 12 characters.');
      const same = await change({ currentPassword: password, newPassword: password, confirmPassword: password });
      expect(fieldError(same.text, 'newPassword')).toBe('Choose a password different from your current one.');
      const mismatch = await change({
        currentPassword: password,
        newPassword: NEW_PASSWORD,
        confirmPassword: `${NEW_PASSWORD}!`,
      });
      expect(mismatch.status).toBe(400);
      expect(fieldError(mismatch.text, 'confirmPassword')).toBe('The two new passwords are not the same.');
      for (const res of [wrong, weak, short, same, mismatch]) {
        for (const secret of [password, NEW_PASSWORD, 'password1234']) expect(res.text).not.toContain(secret);
      }
      // Nothing changed so far.
      expect((await elsewhere.get('/dashboard')).status).toBe(200);

      const ok = await change({ currentPassword: password, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
      expect(ok.status).toBe(303);
      expect(ok.headers.location).toBe('/account');
      expect((await client.get('/account')).text).toContain('Your password was changed.');
      // The other browser's session cookie is refused from now on; this one is kept.
      const refused = await elsewhere.get('/dashboard');
      expect(refused.status).toBe(303);
      expect(refused.headers.location).toBe('/login?next=%2Fdashboard');
      expect((await client.get('/dashboard')).status).toBe(200);
      // Old password out, new password in.
      expect((await new Client(t.server).signIn(email, password)).status).toBe(401);
      expect((await new Client(t.server).signIn(email, NEW_PASSWORD)).status).toBe(303);

      const [changed] = await auditOf(person.id, 'auth.password.changed');
      expect(JSON.parse(changed.details!)).toEqual({ signedOutElsewhere: 1 });
      const notice = (await mailsTo(email)).find((m) => m.subject.includes('password was changed'));
      expect(notice?.subject).toBe('Your SeatDesk password was changed');
      expect(notice?.text).not.toContain(NEW_PASSWORD);
    });

    it('counts as a fresh confirmation: sensitive changes are open right after', async () => {
      const { client, password } = await signedIn(t, 'member');
      t.clock.advance(16 * 60);
      const res = await client.submit('/account/password', {
        currentPassword: password,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
      expect(res.status).toBe(303);
      expect((await client.submit('/account', { phrase: 'fresh start' }, '/account/phrase')).headers.location).toBe(
        '/account',
      );
    });
  });

  describe('recovery options', () => {
    it('adds a backup email confirmed by a link to it; mail to it then carries the phrase', async () => {
      const { client, person } = await signedIn(t, 'member');
      await client.submit('/account', { phrase: 'violet tram home' }, '/account/phrase');
      const backup = `backup.${person.id}@example.test`;
      const res = await client.submit('/account', { backupEmail: backup }, '/account/backup-email');
      expect(res.status).toBe(303);
      const [confirm] = await mailsTo(backup);
      expect(confirm.subject).toBe('Confirm your SeatDesk backup email address');
      expect(confirm.text).not.toContain('violet tram home');
      // Not confirmed yet: neither shown as the backup address nor given the phrase.
      expect((await client.get('/account')).text).not.toContain(`<strong>${backup}</strong>`);
      await sendTest(backup);
      expect((await mailsTo(backup))[1].text).not.toContain('violet tram home');

      const link = linkIn(confirm, '/account/backup-email/confirm');
      const opened = await client.get(link);
      expect(heading(opened.text)).toBe('Confirm your backup email address');
      expect(opened.text).toContain(`<strong>${backup}</strong>`);
      // Opening the link confirms nothing.
      expect((await client.get('/account')).text).not.toContain(`<strong>${backup}</strong>`);
      expect(await auditOf(person.id, 'user.backup_email_confirmed')).toHaveLength(0);
      const followed = await followLink(client, link);
      expect(followed.status).toBe(303);
      expect(followed.headers.location).toBe('/account');
      expect((await client.get('/account')).text).toContain(`<strong>${backup}</strong>`);
      expect((await client.get(link)).status).toBe(400);
      expect(await auditOf(person.id, 'user.backup_email_confirmed')).toHaveLength(1);

      await sendTest(backup);
      expect((await mailsTo(backup))[2].text).toContain('Your security phrase: violet tram home');

      const removed = await client.submit('/account', {}, '/account/backup-email/remove');
      expect(removed.status).toBe(303);
      expect((await client.get('/account')).text).not.toContain(`<strong>${backup}</strong>`);
      expect(await auditOf(person.id, 'user.backup_email_removed')).toHaveLength(1);
    });

    it('refuses the sign-in address as the backup address', async () => {
      const { client, email } = await signedIn(t, 'member');
      const res = await client.submit('/account', { backupEmail: email }, '/account/backup-email');
      expect(res.status).toBe(400);
      expect(fieldError(res.text, 'backupEmail')).toBe('Use an address other than the one you sign in with.');
    });
  });

  describe('anti-phishing phrase', () => {
    let owner: CreatedPerson & { client: Client };

    beforeAll(async () => {
      owner = await signedIn(t, 'member');
    });

    it('is saved (audited without the phrase), never shown on the page, and refused when not 3–64 printable characters', async () => {
      const res = await owner.client.submit('/account', { phrase: '  Seven   green lanterns  ' }, '/account/phrase');
      expect(res.status).toBe(303);
      const page = await owner.client.get('/account');
      expect(page.text).not.toContain('Seven green lanterns');
      expect(page.text).toMatch(
        /Security phrase<\/h2>\s*<div class="card-actions">\s*<span class="badge bg-green-lt">Set/,
      );
      const entries = await auditOf(owner.person.id, 'user.anti_phishing_phrase_changed');
      expect(entries.map((e) => JSON.parse(e.details!))).toEqual([{ change: 'set' }]);
      const all = await sql<{ details: string | null }>('select details from audit_entries');
      expect(all.some((e) => e.details?.includes('lanterns'))).toBe(false);

      for (const phrase of ['ab', 'x'.repeat(65), 'tab\u0007bell', 'zero\u200bwidth']) {
        const bad = await owner.client.submit('/account', { phrase }, '/account/phrase');
        expect(bad.status).toBe(400);
        expect(fieldError(bad.text, 'phrase')).toBe(
          'Use 3 to 64 letters, numbers, spaces or punctuation, on one line.',
        );
      }
      const [row] = await sql<{ phrase: string }>('select anti_phishing_phrase as phrase from people where id = ?', [
        owner.person.id,
      ]);
      expect(row.phrase).toBe('Seven green lanterns');
    });

    it('is in every mail sent to that person, and in nobody else’s', async () => {
      const other = await createPerson(t.app, { role: 'member' });
      await sendTest(owner.email.toUpperCase());
      await sendTest(other.email);
      const [toOwner] = (await mailsTo(owner.email)).slice(-1);
      expect(toOwner.text).toContain('Your security phrase: Seven green lanterns');
      expect(toOwner.html).toContain('Seven green lanterns');
      const [toOther] = (await mailsTo(other.email)).slice(-1);
      expect(toOther.text).not.toContain('Seven green lanterns');
      expect(toOther.text).not.toContain('Your security phrase');
    });

    it('is removed on request', async () => {
      const res = await owner.client.submit('/account', {}, '/account/phrase/remove');
      expect(res.status).toBe(303);
      await sendTest(owner.email);
      expect((await mailsTo(owner.email)).slice(-1)[0].text).not.toContain('Your security phrase');
    });
  });

  describe('activity', () => {
    it("shows the person's own sign-ins and security changes only, new browsers highlighted", async () => {
      const me = await createPerson(t.app, { role: 'member' });
      const other = await createPerson(t.app, { role: 'member' });
      const client = new Client(t.server);
      client.agent.set('User-Agent', CHROME_WINDOWS);
      expect((await new Client(t.server).signIn(me.email, 'wrong-password-guess')).status).toBe(401);
      expect((await client.signIn(me.email, me.password)).status).toBe(303);
      // A second browser: a new one for this person.
      const second = new Client(t.server);
      second.agent.set('User-Agent', CHROME_WINDOWS);
      expect((await second.signIn(me.email, me.password)).status).toBe(303);
      await client.submit('/account', { name: 'Renamed Person' }, '/account/profile');
      // Someone else's doings are not mine.
      const them = new Client(t.server);
      await them.signIn(other.email, other.password);
      await them.submit('/account', { name: 'Somebody Else' }, '/account/profile');
      await new Client(t.server).signIn(other.email, 'their-wrong-guess-1');

      const res = await client.get('/account/activity');
      expect(res.status).toBe(200);
      const rows = tableRows(res.text);
      const texts = rows.map((cells) => cells.join(' '));
      expect(texts[0]).toContain('Name changed · by You');
      expect(texts[1]).toContain('Signed in');
      expect(texts[1]).toContain('Chrome on Windows');
      expect(texts[1]).toContain('New browser');
      expect(texts[2]).toContain('Signed in');
      expect(texts[2]).not.toContain('New browser');
      expect(texts[3]).toContain('Sign-in refused: wrong password');
      expect(texts[3]).toContain('Failed');
      expect(texts.some((text) => text.includes('Account created'))).toBe(true);
      expect(res.text).not.toContain('Somebody Else');
      expect(rows).toHaveLength(5);
      expect(res.text).not.toContain('auth.login');
    });

    it('pages by cursor, newest first, and ignores an altered cursor', async () => {
      const { client, person } = await signedIn(t, 'member');
      for (let i = 0; i < 30; i += 1) {
        await client.submit('/account', { name: `Name number ${i}` }, '/account/profile');
      }
      const first = await client.get('/account/activity');
      const count = (html: string) => tableRows(html).length;
      expect(count(first.text)).toBe(25);
      const next = pageLink(first.text, 'next');
      expect(next).toMatch(/^\/account\/activity\?after=/);
      const second = await client.get(next!);
      expect(second.status).toBe(200);
      // 30 renames, the sign-in and the creation: 7 more.
      expect(count(second.text)).toBe(7);
      expect(second.text).toContain('Account created');
      const prev = pageLink(second.text, 'prev');
      expect(prev).toMatch(/^\/account\/activity\?before=/);
      const back = await client.get(prev!);
      expect(count(back.text)).toBe(25);
      const altered = await client.get('/account/activity?after=bm90LWEtY3Vyc29y');
      expect(altered.status).toBe(200);
      expect(count(altered.text)).toBe(25);
      void person;
    });

    it('reads one index per side, never the whole audit log', async () => {
      const [plan, planAfter] = await Promise.all(
        [
          { after: null, before: null, limit: 25 },
          { after: [1000], before: null, limit: 25 },
        ].map(async (request) => {
          const { sql: query, params } = activityQuery('some-person', request);
          const rows = await sql<{ detail: string }>(`explain query plan ${query}`, params);
          return rows.map((r) => r.detail).join('\n');
        }),
      );
      for (const text of [plan, planAfter]) {
        expect(text).toContain('audit_entries_actor_id_id_index');
        expect(text).toContain('audit_entries_target_id_id_index');
        expect(text).not.toMatch(/SCAN a\b(?! USING)/);
      }
    });
  });
});

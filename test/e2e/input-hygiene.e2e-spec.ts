import { EntityManager } from '@mikro-orm/better-sqlite';
import { withContext } from '../../src/platform/database/request-context';
import { Client, csrfFrom } from '../utils/http';
import { errorSummary, fieldError, pageMessage } from '../utils/html';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const CONTROL = 'Remove the invisible control characters from this field.';
const LINE = 'Remove line breaks and invisible formatting characters from this field.';
const LIKE = 'Enter an email address like name@example.com.';
const UNEXPECTED = 'This form had a field it does not expect. Reload the page and try again.';

/** POSTs a raw urlencoded body (repeated keys make arrays) with the token of `page`. */
async function postRaw(client: Client, page: string, path: string, body: string) {
  const form = await client.agent.get(page);
  return client.agent
    .post(path)
    .type('form')
    .send(`${body}&_csrf=${encodeURIComponent(csrfFrom(form.text))}`)
    .redirects(0);
}

/** POSTs a JSON body with the token of `page`. */
async function postJson(client: Client, page: string, path: string, body: Record<string, unknown>) {
  const form = await client.agent.get(page);
  return client.agent
    .post(path)
    .type('json')
    .send({ ...body, _csrf: csrfFrom(form.text) })
    .redirects(0);
}

describe('input hygiene', () => {
  let t: TestApp;
  const sql = <T extends object>(query: string, params: unknown[] = []) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const nameOf = async (personId: string) =>
    (await sql<{ name: string }>('select name from people where id = ?', [personId]))[0].name;

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t?.close());

  describe('control characters in form fields', () => {
    it('refuses a NUL in a name beside the field instead of failing (500)', async () => {
      const { client, person } = await signedIn(t, 'member');
      const before = await nameOf(person.id);
      const res = await client.submit('/account', { name: 'ab\u0000cd' }, '/account/profile');
      expect(res.status).toBe(400);
      expect(fieldError(res.text, 'name')).toBe(CONTROL);
      expect(res.text).not.toContain('\u0000');
      expect(await nameOf(person.id)).toBe(before);
    });

    it('refuses control characters in any string field of any form (the global pipe)', async () => {
      const { client } = await signedIn(t, 'member');
      for (const password of ['pass\u0000word', 'pass\u0008word', 'pass\u007Fword']) {
        const res = await client.submit('/account/confirm', { password }, '/account/confirm');
        expect(res.status).toBe(400);
        expect(fieldError(res.text, 'password')).toBe(CONTROL);
      }
      const forgot = await new Client(t.server).submit('/forgot-password', { email: 'a\u0000b@example.test' });
      expect(forgot.status).toBe(400);
      expect(fieldError(forgot.text, 'email')).toBe(CONTROL);
      const operator = await signedIn(t, 'operator');
      const org = await operator.client.submit(
        '/admin/organizations/new',
        { name: 'Acme\u0000' },
        '/admin/organizations',
      );
      expect(org.status).toBe(400);
      expect(fieldError(org.text, 'name')).toBe(CONTROL);
    });

    it('keeps tabs, line feeds and carriage returns out of the control rule', async () => {
      const { client } = await signedIn(t, 'member');
      // A wrong password with a tab is judged as a password, not refused as a control character.
      const res = await client.submit('/account/confirm', { password: 'not\tmy\r\npassword' }, '/account/confirm');
      expect(res.status).toBe(401);
      expect(res.text).not.toContain(CONTROL);
    });
  });

  describe('a NUL in the address', () => {
    it('answers 400 with a plain message for a path parameter or a query', async () => {
      const { client } = await signedIn(t, 'member');
      const path = await client.submit('/account/sessions', {}, '/account/sessions/%00/end');
      expect(path.status).toBe(400);
      expect(pageMessage(path.text)).toBe('The address contains a character that is not allowed.');

      const operator = await signedIn(t, 'operator');
      const search = await operator.client.get('/admin/organizations?q=%00');
      expect(search.status).toBe(400);
      expect(pageMessage(search.text)).toBe('The address contains a character that is not allowed.');
      // The page keeps the signed-in layout.
      expect(search.text).toContain(operator.email);
    });

    it('answers JSON under /api', async () => {
      const res = await new Client(t.server).get('/api/v1/orgs?q=a%00b');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/json/);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad request',
        message: 'The address contains a character that is not allowed.',
      });
    });
  });

  describe('email addresses', () => {
    const QUOTED = '"quoted local"@example.test';

    it('refuses what the mail outbox cannot send to, beside the field, on every form', async () => {
      const { client } = await signedIn(t, 'member');
      const change = await client.submit('/account', { newEmail: QUOTED }, '/account/email');
      expect(change.status).toBe(400);
      expect(fieldError(change.text, 'newEmail')).toBe(LIKE);
      const backup = await client.submit('/account', { backupEmail: QUOTED }, '/account/backup-email');
      expect(backup.status).toBe(400);
      expect(fieldError(backup.text, 'backupEmail')).toBe(LIKE);
      const forgot = await new Client(t.server).submit('/forgot-password', { email: QUOTED });
      expect(forgot.status).toBe(400);
      expect(fieldError(forgot.text, 'email')).toBe(LIKE);
      const operator = await signedIn(t, 'operator');
      const test = await operator.client.submit('/admin/mail/test', { to: QUOTED });
      expect(test.status).toBe(400);
      expect(fieldError(test.text, 'to')).toBe(LIKE);
    });

    it('says "Enter …" for a missing or non-string address and limits it to 254 characters', async () => {
      const { client } = await signedIn(t, 'member');
      const missing = await client.submit('/account', {}, '/account/email');
      expect(fieldError(missing.text, 'newEmail')).toBe('Enter your new email address.');
      const list = await postRaw(
        client,
        '/account',
        '/account/backup-email',
        'backupEmail=a%40example.test&backupEmail=b',
      );
      expect(list.status).toBe(400);
      expect(fieldError(list.text, 'backupEmail')).toBe('Enter a backup email address.');
      const long = await client.submit('/account', { newEmail: `${'a'.repeat(243)}@example.test` }, '/account/email');
      expect(long.status).toBe(400);
      expect(fieldError(long.text, 'newEmail')).toBe('Use at most 254 characters.');
    });
  });

  describe('"Enter …" for a missing or non-string value', () => {
    it('on the profile name', async () => {
      const { client } = await signedIn(t, 'member');
      const missing = await client.submit('/account', {}, '/account/profile');
      expect(missing.status).toBe(400);
      expect(fieldError(missing.text, 'name')).toBe('Enter your name.');
      const list = await postRaw(client, '/account', '/account/profile', 'name=a&name=b');
      expect(fieldError(list.text, 'name')).toBe('Enter your name.');
      const object = await postRaw(client, '/account', '/account/profile', 'name%5Ba%5D=1');
      expect(fieldError(object.text, 'name')).toBe('Enter your name.');
      const long = await client.submit('/account', { name: 'x'.repeat(121) }, '/account/profile');
      expect(fieldError(long.text, 'name')).toBe('Use at most 120 characters.');
    });

    it('on the password to turn off two-factor sign-in', async () => {
      const { client } = await signedIn(t, 'member');
      const missing = await client.submit('/account', { code: '123456' }, '/account/2fa/disable');
      expect(missing.status).toBe(400);
      expect(fieldError(missing.text, 'password')).toBe('Enter your password.');
      const list = await postRaw(client, '/account', '/account/2fa/disable', 'password=a&password=b&code=123456');
      expect(list.status).toBe(400);
      expect(fieldError(list.text, 'password')).toBe('Enter your password.');
      const noCode = await client.submit('/account', { password: 'x' }, '/account/2fa/disable');
      expect(fieldError(noCode.text, 'code')).toBe('Enter the code from your app, or a recovery code.');
    });

    it('on the anti-phishing phrase', async () => {
      const { client } = await signedIn(t, 'member');
      const missing = await client.submit('/account', {}, '/account/phrase');
      expect(fieldError(missing.text, 'phrase')).toBe('Enter a phrase.');
    });
  });

  describe('hidden fields never give class-validator’s English', () => {
    it('takes any reset token and answers a bad one with "This link no longer works"', async () => {
      const anon = new Client(t.server);
      const fields = 'password=amber-orchard-compass-917&confirmPassword=amber-orchard-compass-917';
      const list = await postRaw(anon, '/forgot-password', '/reset-password', `token=a&token=b&${fields}`);
      expect(list.status).toBe(400);
      expect(list.text).toContain('This link no longer works');
      expect(list.text).not.toMatch(/must be a string/);
      const object = await postJson(anon, '/forgot-password', '/reset-password', {
        token: { a: 1 },
        password: 'amber-orchard-compass-917',
        confirmPassword: 'amber-orchard-compass-917',
      });
      expect(object.status).toBe(400);
      expect(object.text).toContain('This link no longer works');
      const nul = await postRaw(anon, '/forgot-password', '/reset-password', `token=a%00b&${fields}`);
      expect(nul.status).toBe(400);
      expect(nul.text).toContain('This link no longer works');
    });

    it('ignores a bad `next` on the password confirmation and goes to the default page', async () => {
      const { client, password } = await signedIn(t, 'member');
      const pw = encodeURIComponent(password);
      const list = await postRaw(client, '/account/confirm', '/account/confirm', `password=${pw}&next=%2Fa&next=%2Fb`);
      expect(list.status).toBe(303);
      expect(list.headers.location).toBe('/account');
      const long = await client.submit('/account/confirm', { password, next: `/${'a'.repeat(2001)}` });
      expect(long.status).toBe(303);
      expect(long.headers.location).toBe('/account');
      const nul = await client.submit('/account/confirm', { password, next: '/account/security\u0000' });
      expect(nul.status).toBe(303);
      expect(nul.headers.location).toBe('/account');
    });
  });

  describe('names are one line of visible text', () => {
    it('refuses line breaks and text-direction characters beside the field', async () => {
      const { client, person } = await signedIn(t, 'member');
      const before = await nameOf(person.id);
      for (const name of [
        'Ada\r\nLovelace',
        'Ada\nLovelace',
        'Ada\tLovelace',
        'Ada\u202Eecalevol',
        'Ada\u2066x\u2069',
        'A\u2028B',
      ]) {
        const res = await client.submit('/account', { name }, '/account/profile');
        expect(res.status).toBe(400);
        expect(fieldError(res.text, 'name')).toBe(LINE);
      }
      expect(await nameOf(person.id)).toBe(before);
    });

    it('takes a name of only invisible characters as missing', async () => {
      const { client } = await signedIn(t, 'member');
      for (const name of ['\u200B\u200B', '\uFEFF', ' \u2060 ', '\u200D']) {
        const res = await client.submit('/account', { name }, '/account/profile');
        expect(res.status).toBe(400);
        expect(fieldError(res.text, 'name')).toBe('Enter your name.');
      }
    });

    it('keeps names in any script, joiners included, without invisible characters at the ends', async () => {
      const { client, person } = await signedIn(t, 'member');
      const res = await client.submit('/account', { name: '\u200B نیک\u200Cنام \uFEFF' }, '/account/profile');
      expect(res.status).toBe(303);
      expect(await nameOf(person.id)).toBe('نیک\u200Cنام');
      // Marks and separators real spellings carry: RLM pasted with Hebrew, the
      // Mongolian vowel separator, a soft hyphen, a flag's tag sequence.
      for (const name of [
        'דוד\u200F כהן',
        'ᠮᠣᠩᠭᠣᠯ\u180Eᠠ',
        'Donau\u00ADdampf',
        'Team 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
      ]) {
        const ok = await client.submit('/account', { name }, '/account/profile');
        expect([name, ok.status]).toEqual([name, 303]);
        expect(await nameOf(person.id)).toBe(name);
      }
    });

    it('applies the same rule to organization names', async () => {
      const operator = await signedIn(t, 'operator');
      const bidi = await operator.client.submit(
        '/admin/organizations/new',
        { name: 'Acme\u202E' },
        '/admin/organizations',
      );
      expect(bidi.status).toBe(400);
      expect(fieldError(bidi.text, 'name')).toBe(LINE);
      const empty = await operator.client.submit(
        '/admin/organizations/new',
        { name: '\u200B' },
        '/admin/organizations',
      );
      expect(fieldError(empty.text, 'name')).toBe('Enter the organization name.');
    });
  });

  describe('an unexpected field', () => {
    it('is refused with one message for the form, not for a field the page does not have', async () => {
      const { client } = await signedIn(t, 'member');
      const res = await client.submit('/account', { name: 'Ada', isAdmin: 'yes' }, '/account/profile');
      expect(res.status).toBe(400);
      expect(errorSummary(res.text)).toEqual([UNEXPECTED]);
      expect(res.text).not.toContain('This field is not expected here.');
      expect(fieldError(res.text, 'isAdmin')).toBeUndefined();
      // About the whole form: said plainly, not a link to a field the page does not have.
      expect(res.text).not.toContain('href="#field-_form"');
    });
  });

  describe('requests the parser cannot read', () => {
    it('answers a malformed JSON body in plain words, never the parser’s', async () => {
      const { client } = await signedIn(t, 'member');
      const page = await client.agent.post('/account/profile').type('json').send('{"name":').redirects(0);
      expect(page.status).toBe(400);
      expect(pageMessage(page.text)).toBe('The request body is not valid JSON.');
      expect(page.text).not.toMatch(/Unexpected|JSON input|position/);
      const api = await client.agent.post('/api/v1/orgs').type('json').send('{"a": tru}').redirects(0);
      expect(api.status).toBe(400);
      expect(api.body.message).toBe('The request body is not valid JSON.');
    });

    it('answers bad percent-encoding in a path parameter in plain words', async () => {
      const { client } = await signedIn(t, 'member');
      const res = await client.submit('/account/sessions', {}, '/account/sessions/%ZZ/end');
      expect(res.status).toBe(400);
      expect(pageMessage(res.text)).toBe('The address is not valid.');
      expect(res.text).not.toContain('Failed to decode');
    });
  });
});

describe('input hygiene at setup', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('says what to enter for missing fields and refuses bad names and addresses beside the field', async () => {
    const client = new Client(t.server);
    const missing = await client.submit('/setup', {});
    expect(missing.status).toBe(400);
    expect(fieldError(missing.text, 'orgName')).toBe('Enter the organization name.');
    expect(fieldError(missing.text, 'name')).toBe('Enter your name.');
    expect(fieldError(missing.text, 'email')).toBe('Enter your email address.');
    expect(missing.text).not.toMatch(/must be|should not/);

    const bad = await client.submit('/setup', {
      orgName: 'Acme\u202E',
      name: '\u200B',
      email: '"quoted local"@example.test',
      password: 'amber-orchard-compass-917',
      confirmPassword: 'amber-orchard-compass-917',
    });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.text, 'orgName')).toBe(LINE);
    expect(fieldError(bad.text, 'name')).toBe('Enter your name.');
    expect(fieldError(bad.text, 'email')).toBe(LIKE);
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { AuditService } from '../../src/platform/audit/audit.service';
import { withContext } from '../../src/platform/database/request-context';
import { Client } from '../utils/http';
import { textOf } from '../utils/html';

const alertOf = (html: string) => textOf(html, '.app-alert') ?? '';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const CONTROL = 'Remove the invisible control characters from this field.';
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROLS = /[\u0000-\u001f\u007f]/;
const LIKE = 'Enter an email address like name@example.com.';

describe('sign-in form input', () => {
  let t: TestApp;
  const failures = () =>
    withContext(t.app, () =>
      t.app
        .get(EntityManager)
        .execute<{ actor_label: string; target_label: string | null }[]>(
          "select actor_label, target_label from audit_entries where action = 'auth.login.failed' order by id",
        ),
    );

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t?.close());

  it('refuses an email with a line break, NUL or control character on the form, auditing no forged line', async () => {
    const before = (await failures()).length;
    const cases: [string, string][] = [
      ['evil\r\nadmin@x', LIKE],
      ['evil\u0000@x.test', CONTROL],
      ['evil\u001b[2J@x.test', CONTROL],
    ];
    for (const [email, message] of cases) {
      const res = await new Client(t.server).submit('/login', { email, password: 'whatever-password-1' });
      expect([400, 401]).toContain(res.status);
      expect(res.text).toContain('<h1 class="h2 text-center mb-4">Sign in</h1>');
      expect(res.text).not.toContain('\u0000');
      expect(res.text).not.toContain('\u001b');
      if (res.status === 400) expect(alertOf(res.text)).toBe(message);
    }
    // Whatever was answered, the audit never holds the control characters.
    const rows = await failures();
    for (const row of rows.slice(before)) {
      expect(row.actor_label).not.toMatch(CONTROLS);
      expect(row.target_label ?? '').not.toMatch(CONTROLS);
    }
    const { client } = await signedIn(t, 'operator');
    const csv = (await client.get('/admin/audit.csv?action=auth.login.failed').buffer(true)).text;
    expect(csv).not.toMatch(/evil[\r\n]/);
    expect(csv).not.toContain('\u0000');
  });

  it('answers unknown fields and a missing email on the form, never a 500', async () => {
    const unexpected = await new Client(t.server).submit('/login', {
      email: 'ghost@x.test',
      password: 'whatever-password-1',
      isAdmin: 'true',
    });
    expect(unexpected.status).toBe(400);
    expect(unexpected.text).toContain('Sign in');
    const missing = await new Client(t.server).submit('/login', { password: 'whatever-password-1' });
    expect([400, 401]).toContain(missing.status);
  });

  it('still gives the same generic answer for an unknown account and a wrong password', async () => {
    const { email } = await signedIn(t, 'member');
    const unknown = await new Client(t.server).submit('/login', { email: 'nobody@x.test', password: 'x-wrong-pass-1' });
    const wrong = await new Client(t.server).submit('/login', { email, password: 'x-wrong-pass-1' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(alertOf(unknown.text)).toBe(alertOf(wrong.text));
    expect(alertOf(unknown.text)).toMatch(/not right/);
  });

  it('exports a formula-looking email defused in the audit CSV', async () => {
    const refused = await new Client(t.server).submit('/login', {
      email: '=HYPERLINK("http://evil.test","click")@x.test',
      password: 'whatever-password-1',
    });
    expect(refused.status).toBe(400);
    // A valid address can still start like a formula: it is audited, and exported as text.
    const audited = await new Client(t.server).submit('/login', {
      email: '=1+2@x.test',
      password: 'whatever-password-1',
    });
    expect(audited.status).toBe(401);
    const { client } = await signedIn(t, 'operator');
    const csv = (await client.get('/admin/audit.csv?action=auth.login.failed').buffer(true)).text;
    expect(csv).toContain(",'=1+2@x.test,");
    expect(csv).not.toContain('HYPERLINK');
    // No cell starts with a formula character.
    expect(csv).not.toMatch(/(^|,)"?[=+\-@]/m);
  });

  it('stores every audit label on one line as it reads (controls and direction overrides as U+FFFD)', async () => {
    await withContext(t.app, () =>
      t.app.get(AuditService).record({
        action: 'auth.login.failed',
        outcome: 'failure',
        actor: { type: 'person', id: null, label: 'eve\r\nadmin logged in' },
        target: { type: 'person', id: null, label: 'eve \u202Etxt.exe' },
      }),
    );
    const last = (await failures()).at(-1)!;
    expect(last).toEqual({ actor_label: 'eve\uFFFD\uFFFDadmin logged in', target_label: 'eve \uFFFDtxt.exe' });
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { createOrganization, createPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { MailService } from '../../src/platform/mail/mail.service';
import { PasswordResetService } from '../../src/modules/auth/password-reset/password-reset.service';
import { attrOf, fieldError, fieldValue, flashMessages, pageText } from '../utils/html';
import { Client } from '../utils/http';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// /org/settings: the organization's name, a longer password minimum and a
// shorter idle timeout than the install's (never the other way), and a
// reminder to the people without two-factor.
describe('organization settings (/org/settings)', () => {
  let t: TestApp;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));

  beforeAll(async () => {
    // The install: 12 characters, 30 minutes.
    t = await createTestApp({ PASSWORD_MIN_LENGTH: '12', SESSION_IDLE_SECONDS: '1800' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  async function organization(name: string) {
    const org = await createOrganization(t.app, name);
    const admin = await signedIn(t, 'admin', { organization: org });
    return { org, admin };
  }
  const save = (client: Client, fields: Record<string, string>) =>
    client.submit('/org/settings', fields, '/org/settings');

  it('saves the name, a password minimum and an idle timeout, audited, and shows them', async () => {
    const { org, admin } = await organization('Settings Ltd');
    const res = await save(admin.client, { name: 'Settings Group', passwordMinLength: '16', sessionIdleMinutes: '10' });
    expect(res.status).toBe(303);
    const page = await admin.client.get('/org/settings');
    expect(flashMessages(page.text)).toEqual(['Organization settings saved.']);
    expect(fieldValue(page.text, 'name')).toBe('Settings Group');
    expect(fieldValue(page.text, 'passwordMinLength')).toBe('16');
    expect(fieldValue(page.text, 'sessionIdleMinutes')).toBe('10');
    const [entry] = await sql<{ details: string }>(
      `select details from audit_entries where action = 'organization.settings_changed' and organization_id = ?`,
      org.id,
    );
    expect(JSON.parse(entry.details)).toEqual({
      changed: ['name', 'minLength', 'idleSeconds'],
      name: 'Settings Group',
      minLength: 16,
      idleSeconds: 600,
      timeZone: null,
    });
    // Empty fields go back to the install's values.
    await save(admin.client, { name: 'Settings Group', passwordMinLength: '', sessionIdleMinutes: '' });
    const [row] = await sql<{ min: number | null; idle: number | null }>(
      'select password_min_length as min, session_idle_seconds as idle from organizations where id = ?',
      org.id,
    );
    expect(row).toEqual({ min: null, idle: null });
  });

  it('refuses a minimum below the install’s, a timeout above it, and what is not a number, saving nothing', async () => {
    const { org, admin } = await organization('Loose Ltd');
    const low = await save(admin.client, { name: 'Loose Ltd', passwordMinLength: '8', sessionIdleMinutes: '45' });
    expect(low.status).toBe(400);
    expect(fieldError(low.text, 'passwordMinLength')).toBe("Choose from 12 (this install's minimum) to 64 characters.");
    expect(fieldError(low.text, 'sessionIdleMinutes')).toBe(
      "Choose from 1 to 30 minutes (this install's idle timeout).",
    );
    // The rest of the page is still there.
    expect(pageText(low.text)).toContain('Two-factor sign-in');
    const junk = await save(admin.client, {
      name: 'Loose Ltd',
      passwordMinLength: 'twelve',
      sessionIdleMinutes: '0.5',
    });
    expect(junk.status).toBe(400);
    expect(fieldError(junk.text, 'passwordMinLength')).toContain('whole number');
    const [row] = await sql<{ min: number | null }>(
      'select password_min_length as min from organizations where id = ?',
      org.id,
    );
    expect(row.min).toBeNull();
  });

  it('holds the organization’s people to its longer minimum on password change and reset', async () => {
    const { org, admin } = await organization('Strict Ltd');
    await save(admin.client, { name: 'Strict Ltd', passwordMinLength: '20', sessionIdleMinutes: '' });
    const member = await signedIn(t, 'member', { organization: org });
    const form = await member.client.get('/account/password');
    expect(pageText(form.text)).toContain('At least 20 characters');
    const res = await member.client.submit(
      '/account/password',
      { currentPassword: member.password, newPassword: 'violet tundra ox', confirmPassword: 'violet tundra ox' },
      '/account/password',
    );
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'newPassword')).toBe('Use at least 20 characters.');
    // And on a reset link.
    const link = await withContext(t.app, () => t.app.get(PasswordResetService).createLink(member.person));
    const path = link.slice(link.indexOf('/reset-password'));
    expect(pageText((await new Client(t.server).get(path)).text)).toContain('At least 20 characters');
    const reset = await new Client(t.server).submit(path, {
      token: new URL(link).searchParams.get('token')!,
      password: 'violet tundra ox',
      confirmPassword: 'violet tundra ox',
    });
    expect(reset.status).toBe(400);
    expect(fieldError(reset.text, 'password')).toBe('Use at least 20 characters.');
    // Someone elsewhere keeps the install's 12.
    const other = await signedIn(t, 'member');
    const fine = await other.client.submit(
      '/account/password',
      { currentPassword: other.password, newPassword: 'violet tundra ox', confirmPassword: 'violet tundra ox' },
      '/account/password',
    );
    expect(fine.status).toBe(303);
  });

  it('signs the organization’s people out after its shorter idle timeout', async () => {
    const { org, admin } = await organization('Quick Ltd');
    await save(admin.client, { name: 'Quick Ltd', passwordMinLength: '', sessionIdleMinutes: '5' });
    const member = await signedIn(t, 'member', { organization: org });
    const elsewhere = await signedIn(t, 'member');
    t.clock.advance(4 * 60);
    expect((await member.client.get('/dashboard')).status).toBe(200);
    t.clock.advance(5 * 60 + 1);
    expect((await member.client.get('/dashboard')).status).toBe(303);
    // The install's 30 minutes still hold elsewhere.
    expect((await elsewhere.client.get('/dashboard')).status).toBe(200);
  });

  it('links the people without two-factor and reminds them by mail, once a day', async () => {
    const { org, admin } = await organization('Remind Ltd');
    const a = await createPerson(t.app, { role: 'member', organization: org });
    const b = await createPerson(t.app, { role: 'member', organization: org });
    await sql('update people set totp_enabled_at = ? where id = ?', +t.clock.now(), b.person.id);

    const page = await admin.client.get('/org/settings');
    // The admin and one member have not set it up.
    expect(pageText(page.text)).toContain('2 people have not set up two-factor sign-in');
    expect(attrOf(page.text, '#without-two-factor a', 'href')).toBe('/org/users?status=active&twoFactor=off');

    const sent = await admin.client.submit('/org/settings', {}, '/org/settings/two-factor/remind');
    expect(sent.status).toBe(303);
    await t.app.get(MailService).whenIdle();
    const mails = await sql<{ recipient: string; subject: string }>(
      `select recipient, subject from mail_messages where template = 'two-factor-reminder' order by recipient`,
    );
    expect(mails.map((m) => m.recipient).sort()).toEqual([a.email, admin.email].sort());
    expect(mails[0].subject).toBe('Set up two-factor sign-in for your SeatDesk account');

    const again = await admin.client.submit('/org/settings', {}, '/org/settings/two-factor/remind');
    expect(again.status).toBe(429);
    expect(pageText(again.text)).toContain('Reminders went out less than a day ago.');
    t.clock.advance(24 * 3600 + 1);
    const admin2 = await signedIn(t, 'admin', { organization: org });
    expect((await admin2.client.submit('/org/settings', {}, '/org/settings/two-factor/remind')).status).toBe(303);
  });

  it.each(['member', 'helpdesk', 'operator'] as const)('refuses the settings to a %s', async (role) => {
    const { client } = await signedIn(t, role);
    expect((await client.get('/org/settings')).status).toBe(403);
    expect((await client.submit('/dashboard', { name: 'X' }, '/org/settings')).status).toBe(403);
  });
});

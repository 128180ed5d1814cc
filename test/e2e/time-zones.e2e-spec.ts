import { createOrganization, createPerson } from '../../seeds/factories';
import { MailService } from '../../src/platform/mail/mail.service';
import { attrOf, attrsOf, fieldError, flashMessages } from '../utils/html';
import { Client } from '../utils/http';
import { mailFiles } from '../utils/mail';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// Times are shown in the reader's zone: their own, else their organization's,
// else the install's TIME_ZONE; on pages and in mail.
describe('time zones', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The test clock starts at 2026-11-26 10:00 UTC.
    t = await createTestApp({ TIME_ZONE: 'Asia/Tokyo', LOCKOUT_MAX_FAILURES: '3' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  /** The exact times the account page shows on hover (the last sign-in). */
  const shownTimes = async (client: Client) => attrsOf((await client.get('/account')).text, 'time[title]', 'title');

  it('uses the install’s zone, then the organization’s, then the person’s own', async () => {
    const org = await createOrganization(t.app, 'Zones Ltd');
    const admin = await signedIn(t, 'admin', { organization: org });
    const member = await signedIn(t, 'member', { organization: org });
    expect(await shownTimes(member.client)).toContain('26 Nov 2026, 19:00 GMT+9');

    const zoned = await admin.client.submit(
      '/org/settings',
      { name: 'Zones Ltd', passwordMinLength: '', sessionIdleMinutes: '', timeZone: 'America/New_York' },
      '/org/settings',
    );
    expect(zoned.status).toBe(303);
    expect(await shownTimes(member.client)).toContain('26 Nov 2026, 05:00 GMT-5');

    const saved = await member.client.submit('/account', { timeZone: 'Europe/Berlin' }, '/account/time-zone');
    expect(saved.status).toBe(303);
    const page = await member.client.get('/account');
    expect(flashMessages(page.text)).toEqual(['Your time zone was saved: times are shown in it from now on.']);
    expect(attrOf(page.text, '#field-timeZone option[selected]', 'value')).toBe('Europe/Berlin');
    expect(await shownTimes(member.client)).toContain('26 Nov 2026, 11:00 CET');
    // Back to the organization's.
    await member.client.submit('/account', { timeZone: '' }, '/account/time-zone');
    expect(await shownTimes(member.client)).toContain('26 Nov 2026, 05:00 GMT-5');
  });

  it('refuses a zone that is not in the list', async () => {
    const member = await signedIn(t, 'member');
    const res = await member.client.submit('/account', { timeZone: 'Mars/Olympus_Mons' }, '/account/time-zone');
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'timeZone')).toBe('Choose a time zone from the list.');
  });

  it('writes mail in the recipient’s zone', async () => {
    const org = await createOrganization(t.app, 'Mail Zones Ltd');
    const p = await createPerson(t.app, { role: 'member', organization: org });
    const me = await signedIn(t, 'member', { organization: org });
    await me.client.submit('/account', { timeZone: 'Europe/Berlin' }, '/account/time-zone');
    for (const person of [p, me]) {
      for (let i = 0; i < 3; i++) await new Client(t.server).signIn(person.email, 'not-the-password-at-all');
    }
    await t.app.get(MailService).whenIdle();
    const mails = await mailFiles(t.dataDir);
    const lockout = (email: string) => mails.find((m) => m.to.includes(email) && /is locked until/.test(m.subject))!;
    // Locked for 15 minutes from 10:00 UTC.
    expect(lockout(me.email).subject).toContain('26 Nov 2026, 11:15 CET');
    expect(lockout(p.email).subject).toContain('26 Nov 2026, 19:15 GMT+9');
  });
});

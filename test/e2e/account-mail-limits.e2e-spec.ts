import { EntityManager } from '@mikro-orm/better-sqlite';
import { withContext } from '../../src/platform/database/request-context';
import { fieldError, fieldValue, heading } from '../utils/html';
import { Client } from '../utils/http';
import { createMailedTestApp, signedIn, type MailedTestApp } from '../utils/test-app';

// A signed-in person can have SeatDesk mail an address they type (a new
// sign-in address, a backup address). That must not make SeatDesk a way to
// mail strangers: a few such mails a day per person, and none of them opens
// with words the person chose (their display name).

const LURE = 'URGENT: your payroll account is suspended';
const PER_DAY = 5;

describe('mail to addresses a person types', () => {
  let t: MailedTestApp;
  beforeAll(async () => (t = await createMailedTestApp()));
  afterAll(() => t.close());

  const outboxTo = (address: string) =>
    withContext(t.app, () =>
      t.app
        .get(EntityManager)
        .execute<{ n: number }[]>('select count(*) as n from mail_messages where recipient = ?', [address]),
    ).then(([row]) => Number(row.n));
  const auditCount = (personId: string) =>
    withContext(t.app, () =>
      t.app.get(EntityManager).execute<{ n: number }[]>(
        `select count(*) as n from audit_entries
            where target_id = ? and action in ('user.email_change_requested', 'user.backup_email_requested')`,
        [personId],
      ),
    ).then(([row]) => Number(row.n));

  it(`sends at most ${PER_DAY} a day per person; the next is refused on the form, nothing sent or saved`, async () => {
    const { client, person, email, password } = await signedIn(t, 'member', { name: LURE });
    const stranger = (i: number) => `stranger.${i}.${email}`;
    // Both forms count together.
    for (let i = 1; i <= PER_DAY; i++) {
      const res =
        i % 2
          ? await client.submit('/account', { newEmail: stranger(i) }, '/account/email')
          : await client.submit('/account', { backupEmail: stranger(i) }, '/account/backup-email');
      expect(res.status).toBe(303);
    }
    for (const [field, path] of [
      ['newEmail', '/account/email'],
      ['backupEmail', '/account/backup-email'],
    ]) {
      const refused = await client.submit('/account', { [field]: stranger(6) }, path);
      expect(refused.status).toBe(429);
      // The account page again, the message beside the address, the address kept.
      expect(heading(refused.text)).toBe('Account');
      expect(fieldError(refused.text, field)).toMatch(/tomorrow/);
      expect(fieldValue(refused.text, field)).toBe(stranger(6));
    }
    expect(await outboxTo(stranger(6))).toBe(0);
    expect(await t.mailTo(stranger(6))).toHaveLength(0);
    expect(await auditCount(person.id)).toBe(PER_DAY);

    // A day later there is room again.
    t.clock.advance(24 * 3600 + 1);
    const later = new Client(t.server);
    expect((await later.signIn(email, password)).status).toBe(303);
    expect((await later.submit('/account', { backupEmail: stranger(7) }, '/account/backup-email')).status).toBe(303);
    expect(await t.mailTo(stranger(7))).toHaveLength(1);
  });

  it('counts per person: one person at the limit does not hold back another', async () => {
    const first = await signedIn(t, 'member');
    for (let i = 1; i <= PER_DAY + 1; i++) {
      await first.client.submit('/account', { backupEmail: `b.${i}.${first.email}` }, '/account/backup-email');
    }
    const second = await signedIn(t, 'member');
    const res = await second.client.submit('/account', { newEmail: `new.${second.email}` }, '/account/email');
    expect(res.status).toBe(303);
  });

  it('keeps the display name out of the mail to an unconfirmed address', async () => {
    const { client, email } = await signedIn(t, 'member', { name: LURE });
    await client.submit('/account', { newEmail: `changed.${email}` }, '/account/email');
    await client.submit('/account', { backupEmail: `backup.${email}` }, '/account/backup-email');
    for (const address of [`changed.${email}`, `backup.${email}`]) {
      const [mail] = await t.mailTo(address);
      const firstLine = mail.text!.split('\n').find((line) => line.trim() !== '');
      expect(firstLine).toBe('Hello,');
      expect(mail.subject).not.toContain(LURE);
      expect(mail.text).not.toContain(LURE);
      expect(mail.html).not.toContain('URGENT');
    }
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import {
  createLicense,
  createOrganization,
  createPerson,
  randomPassword,
  type CreatedPerson,
} from '../../seeds/factories';
import { peopleSearchSql } from '../../src/modules/people/people.repository';
import { InvitationsService } from '../../src/modules/people/invitations.service';
import { PeopleService } from '../../src/modules/people/people.service';
import { withContext } from '../../src/platform/database/request-context';
import { MailService } from '../../src/platform/mail/mail.service';
import { Client } from '../utils/http';
import { all, csrfFrom, errorSummary, fieldError, flashMessages, heading, tableRows, textOf } from '../utils/html';
import { mailFiles, tokenIn } from '../utils/mail';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const BASE_URL = 'http://desk.example.test:8080';
const MAX_FAILURES = 3;

// Helpdesk staff and operators find a person in any organization, see why
// they cannot sign in, and get them back in, each action with a reason.
describe('helpdesk (/admin/users)', () => {
  let t: TestApp;
  let agent: CreatedPerson & { client: Client };

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const auditOf = async (id: string, action: string) =>
    (
      await sql<{ actorLabel: string; details: string | null; organizationId: string | null }>(
        `select actor_label as actorLabel, details, organization_id as organizationId from audit_entries
          where target_id = ? and action = ? order by id`,
        id,
        action,
      )
    ).map((row) => ({ ...row, details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null }));
  const lockedUntil = async (id: string) =>
    (await sql<{ lockedUntil: number | null }>('select locked_until as lockedUntil from people where id = ?', id))[0]
      .lockedUntil;
  const mailsTo = async (address: string) => {
    await t.app.get(MailService).whenIdle();
    return (await mailFiles(t.dataDir)).filter((mail) => mail.to.includes(address));
  };
  const fail = async (p: CreatedPerson, times = MAX_FAILURES) => {
    for (let i = 0; i < times; i++) {
      expect((await new Client(t.server).signIn(p.email, `wrong-${randomPassword()}`)).status).toBe(401);
    }
  };
  const twoFactorOn = (id: string) =>
    withContext(t.app, () => t.app.get(PeopleService).setTwoFactorEnabledAt(id, t.clock.now()));
  const search = async (q: string, client = agent.client) => {
    const res = await client.get(`/admin/users?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    return res.text;
  };
  const names = (html: string) => tableRows(html).map((row) => row[0]);
  const VERIFIED = { reason: 'phone_callback', note: 'Ticket 4711', confirmedIdentity: 'yes', confirmedChannel: 'yes' };
  const act = (client: Client, id: string, action: string, fields: Record<string, string>) =>
    client.submit(`/admin/users/${id}/${action}`, fields);

  beforeAll(async () => {
    t = await createTestApp({ BASE_URL, LOCKOUT_MAX_FAILURES: String(MAX_FAILURES) });
    await createOperator(t);
    agent = await signedIn(t, 'helpdesk');
  });
  afterAll(() => t.close());

  describe('finding a person', () => {
    let acme: Awaited<ReturnType<typeof createOrganization>>;
    let annabel: CreatedPerson;
    let quimby: CreatedPerson;
    let bob: CreatedPerson;

    beforeAll(async () => {
      acme = await createOrganization(t.app, 'Acme Search');
      const globex = await createOrganization(t.app, 'Globex Search');
      annabel = await createPerson(t.app, {
        organization: acme,
        name: 'Annabel Quist',
        email: 'annabel.quist@acme.test',
      });
      quimby = await createPerson(t.app, {
        role: 'admin',
        organization: globex,
        name: 'Zoë Quimby',
        email: 'zq@globex.test',
      });
      bob = await createPerson(t.app, { organization: globex, name: 'Bob Quarry', email: 'bob.q@globex.test' });
      await fail(annabel);
      await twoFactorOn(quimby.person.id);
      await sql(`update people set status = 'disabled' where id = ?`, bob.person.id);
    });

    it('finds people of every organization by the start of a word of their name, with badges', async () => {
      const html = await search('qu');
      expect(names(html)).toEqual(expect.arrayContaining(['Annabel Quist', 'Zoë Quimby', 'Bob Quarry']));
      const row = (name: string) => all(html, 'tbody tr').find((tr) => tr.querySelector('td')?.text.includes(name))!;
      expect(row('Annabel Quist').querySelector('[data-organization]')?.text).toBe('Acme Search');
      expect(row('Zoë Quimby').querySelector('[data-organization]')?.text).toBe('Globex Search');
      expect(row('Annabel Quist').querySelector('[data-state]')?.getAttribute('data-state')).toBe('locked');
      expect(row('Annabel Quist').text).toContain('until');
      expect(row('Bob Quarry').querySelector('[data-state]')?.getAttribute('data-state')).toBe('disabled');
      expect(row('Zoë Quimby').querySelector('[data-two-factor]')?.getAttribute('data-two-factor')).toBe('on');
      expect(row('Annabel Quist').querySelector('[data-two-factor]')?.getAttribute('data-two-factor')).toBe('off');
    });

    it('matches every word typed, without accents, and words of the address', async () => {
      expect(names(await search('zoe qui'))).toEqual(['Zoë Quimby']);
      expect(names(await search('ann qui'))).toEqual(['Annabel Quist']);
      expect(names(await search('globex'))).toEqual(expect.arrayContaining(['Zoë Quimby', 'Bob Quarry']));
      expect(names(await search('quist nobody'))).toEqual([]);
      // FTS5 syntax typed into the box is only text.
      expect(names(await search('"quist*'))).toEqual(['Annabel Quist']);
      expect(names(await search('quist OR NEAR('))).toEqual([]);
    });

    it('finds by the start of the sign-in address when the search has an @', async () => {
      expect(names(await search('ANNABEL.QUIST@AC'))).toEqual(['Annabel Quist']);
      expect(names(await search('bob.q@'))).toEqual(['Bob Quarry']);
      const none = await search('annabel@');
      expect(names(none)).toEqual([]);
      expect(textOf(none, '.empty')).toContain('matches “annabel@”');
    });

    it('finds the admins of the organization holding a whole product key, marked "Product key"; a typo finds nobody', async () => {
      const org = await createOrganization(t.app, 'Keyholder Search');
      const admin = await createPerson(t.app, { role: 'admin', organization: org, name: 'Kira Keyholder' });
      await createPerson(t.app, { organization: org, name: 'Milo Member' });
      const { key } = await createLicense(t.app, { organization: org });
      const foundByKey = (html: string) =>
        all(html, 'tbody tr')
          .filter((tr) => tr.querySelector('.badge')?.text.trim() === 'Product key')
          .map((tr) => tr.querySelector('td a')?.text.trim());

      // Typed as people read it out: lower case, spaces instead of dashes.
      const typed = key.toLowerCase().replace(/-/g, ' ');
      expect(foundByKey(await search(typed))).toEqual([admin.person.name]);
      expect(foundByKey(await search(key))).toEqual([admin.person.name]);

      // One character wrong: the checksum refuses it, so no lookup and nobody by key.
      const typo = key.slice(0, -1) + (key.endsWith('Z') ? 'Y' : 'Z');
      const html = await search(typo.toLowerCase());
      expect(foundByKey(html)).toEqual([]);
      expect(names(html)).toEqual([]);
    });

    it('shows staff as Staff', async () => {
      const colleague = await createPerson(t.app, { role: 'helpdesk', name: 'Staffy Quell' });
      const html = await search('quell');
      expect(tableRows(html)).toEqual([
        [colleague.person.name, colleague.email, 'Staff', 'Helpdesk', 'Active', 'Off', 'Never'],
      ]);
    });

    it('pages with Previous and Next', async () => {
      const org = await createOrganization(t.app, 'Paging Org');
      for (let i = 0; i < 27; i++) await createPerson(t.app, { organization: org, name: `Pagella Person${i}` });
      const first = await search('pagella');
      expect(tableRows(first)).toHaveLength(25);
      const next = textOf(first, 'a[rel=next]') !== undefined;
      expect(next).toBe(true);
      const href = all(first, 'a[rel=next]')[0].getAttribute('href')!;
      const second = await agent.client.get(href);
      expect(tableRows(second.text)).toHaveLength(2);
      expect(new Set([...names(first), ...names(second.text)]).size).toBe(27);
      const back = await agent.client.get(all(second.text, 'a[rel=prev]')[0].getAttribute('href')!);
      expect(names(back.text)).toEqual(names(first));
    });

    it('answers through the indexes, never by scanning people', async () => {
      const plans = [];
      for (const [searchFor, cursor] of [
        [{ by: 'email', prefix: 'ann' }, 'annabel.quist@acme.test'],
        [{ by: 'words', words: ['ann', 'qu'] }, 3],
      ] as const) {
        for (const request of [
          { after: null, before: null, limit: 25 },
          { after: [cursor], before: null, limit: 25 },
          { after: null, before: [cursor], limit: 25 },
        ]) {
          const { sql: text, params } = peopleSearchSql(searchFor, request);
          const plan = await sql<{ detail: string }>(`explain query plan ${text}`, ...params);
          plans.push(plan.map((row) => row.detail).join(' | '));
        }
      }
      for (const plan of plans) {
        expect(plan).not.toMatch(/SCAN (people|p)\b/);
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
      expect(plans[0]).toContain('people_email_unique');
      expect(plans[3]).toMatch(/VIRTUAL TABLE INDEX/);
      expect(plans[3]).toContain('SEARCH p USING INTEGER PRIMARY KEY');
    });

    it('keeps the word index current when a name changes or a person leaves', async () => {
      const p = await createPerson(t.app, { name: 'Renata Oldname' });
      expect(names(await search('oldname'))).toEqual(['Renata Oldname']);
      await sql(`update people set name = 'Renata Newname' where id = ?`, p.person.id);
      expect(names(await search('oldname'))).toEqual([]);
      expect(names(await search('newname'))).toEqual(['Renata Newname']);
      await sql('delete from people where id = ?', p.person.id);
      expect(names(await search('newname'))).toEqual([]);
    });

    it('shows the health of a locked account: until when, after how many failures, from where, the attempts', async () => {
      const res = await agent.client.get(`/admin/users/${annabel.person.id}`);
      expect(res.status).toBe(200);
      expect(heading(res.text)).toBe('Annabel Quist');
      const [failure] = await sql<{ ip: string }>(
        `select ip from audit_entries where target_id = ? and action = 'auth.login.failed' order by id desc limit 1`,
        annabel.person.id,
      );
      const status = textOf(res.text, '[data-status]')!;
      expect(status).toContain('Locked');
      expect(status).toContain('until');
      expect(status).toContain(`after ${MAX_FAILURES} failed sign-ins from ${failure.ip}`);
      const attempts = tableRows(res.text, '#sign-in-attempts');
      expect(attempts).toHaveLength(MAX_FAILURES);
      for (const row of attempts) expect(row.slice(1)).toEqual([failure.ip, expect.any(String), 'Wrong password']);
      expect(textOf(res.text, '[data-last-sign-in]')).toBe('Never');
      expect(textOf(res.text, '[data-recovery]')).toBe('Backup email not set');
      expect(textOf(res.text, '#security-changes')).toContain('Account locked after failed sign-ins');
      expect(textOf(res.text, '[data-section=sessions]')).toContain('Not signed in anywhere.');
    });
  });

  describe('actions', () => {
    it('unlocks a locked person with a reason: audited, mailed, and they sign in', async () => {
      const p = await createPerson(t.app, { name: 'Ulla Locked' });
      await fail(p);
      expect(await lockedUntil(p.person.id)).not.toBeNull();
      const res = await act(agent.client, p.person.id, 'unlock', VERIFIED);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/users/${p.person.id}`);
      expect(await lockedUntil(p.person.id)).toBeNull();
      const [entry] = await auditOf(p.person.id, 'user.unlocked');
      expect(entry.actorLabel).toBe(agent.email);
      expect(entry.details).toEqual({ wasLocked: true, reason: 'Verified by phone call-back: Ticket 4711' });
      const shown = await agent.client.get(`/admin/users/${p.person.id}`);
      expect(flashMessages(shown.text)).toEqual([
        "Ulla Locked's account is unlocked: they can sign in now. They were told by email.",
      ]);
      expect(textOf(shown.text, '#security-changes')).toContain('Account unlocked — Verified by phone call-back');
      const mails = await mailsTo(p.email);
      expect(mails.map((m) => m.subject)).toContain('Your SeatDesk account was unlocked by support');
      expect((await new Client(t.server).signIn(p.email, p.password)).status).toBe(303);
    });

    it('sends an org admin a reset link valid 12 hours, telling the other admins', async () => {
      const org = await createOrganization(t.app, 'Admins Co');
      const admin = await createPerson(t.app, { role: 'admin', organization: org, name: 'Ada Admin' });
      const other = await createPerson(t.app, { role: 'admin', organization: org, name: 'Otto Admin' });
      const member = await createPerson(t.app, { role: 'member', organization: org });
      const res = await act(agent.client, admin.person.id, 'send-reset', {
        ...VERIFIED,
        reason: 'org_admin',
        note: '',
      });
      expect(res.status).toBe(303);
      const [entry] = await auditOf(admin.person.id, 'user.password_reset_sent');
      expect(entry.details).toEqual({ reason: 'Verified through the org admin', hours: 12 });
      expect(entry.organizationId).toBe(org.id);
      const [mail] = (await mailsTo(admin.email)).filter((m) => m.subject.startsWith('Choose a new password'));
      expect(mail.text).toContain('within 12 hours');
      const token = tokenIn(mail, '/reset-password');
      t.clock.advance(11 * 60 * 60);
      expect((await new Client(t.server).get(`/reset-password?token=${token}`)).status).toBe(200);
      const notices = await mailsTo(other.email);
      expect(notices.map((m) => m.subject)).toEqual(['Support helped Ada Admin, an admin of Admins Co']);
      expect(notices[0].text).toContain('a link to choose a new password was sent to its owner');
      expect(await mailsTo(member.email)).toEqual([]);
      // Eleven hours ended the agent's session too.
      agent = await signedIn(t, 'helpdesk');
    });

    it('resets two-factor with a reason; the person is told', async () => {
      const p = await createPerson(t.app, { name: 'Phil Phoneless' });
      await twoFactorOn(p.person.id);
      const res = await act(agent.client, p.person.id, 'reset-2fa', { ...VERIFIED, reason: 'in_person', note: '' });
      expect(res.status).toBe(303);
      const [entry] = await auditOf(p.person.id, 'user.2fa_reset');
      expect(entry).toMatchObject({ actorLabel: agent.email, details: { reason: 'Verified in person' } });
      const [row] = await sql<{ on: number | null }>(
        'select totp_enabled_at as "on" from people where id = ?',
        p.person.id,
      );
      expect(row.on).toBeNull();
      expect((await mailsTo(p.email)).map((m) => m.subject)).toContain(
        'Two-factor sign-in was turned off for your SeatDesk account',
      );
    });

    it('ends every session of a person with a reason', async () => {
      const p = await signedIn(t, 'member', { name: 'Sam Sessions' });
      expect((await p.client.get('/dashboard')).status).toBe(200);
      const res = await act(agent.client, p.person.id, 'end-sessions', { reason: 'lost_device', note: '' });
      expect(res.status).toBe(303);
      expect((await p.client.get('/dashboard')).status).not.toBe(200);
      const [entry] = await auditOf(p.person.id, 'user.sessions_ended');
      expect(entry.details).toEqual({ reason: 'Lost or stolen device', count: 1 });
      expect((await mailsTo(p.email)).map((m) => m.subject)).toContain('You were signed out of SeatDesk everywhere');
    });

    it('refuses a missing reason, Other without a note, or an unticked checklist: messages beside the fields, nothing done', async () => {
      const p = await createPerson(t.app, { name: 'Rita Refused' });
      await fail(p);
      const cases: [Record<string, string>, string, string][] = [
        [{ ...VERIFIED, reason: '' }, 'reason', 'Choose how you verified who they are.'],
        [{ ...VERIFIED, reason: 'other', note: '' }, 'note', 'a note is needed when the reason is Other'],
        [{ ...VERIFIED, confirmedIdentity: '' }, 'confirmedIdentity', 'Confirm their name'],
        [{ reason: 'phone_callback', note: '' }, 'confirmedChannel', 'Confirm you reached them'],
      ];
      for (const [fields, field, message] of cases) {
        const res = await act(agent.client, p.person.id, 'unlock', fields);
        expect(res.status).toBe(400);
        expect(fieldError(res.text, field)).toContain(message);
        expect(errorSummary(res.text).join(' ')).toContain(message);
      }
      const other = await act(agent.client, p.person.id, 'end-sessions', { reason: 'other', note: ' ' });
      expect(other.status).toBe(400);
      expect(fieldError(other.text, 'note')).toContain('a note is needed');
      expect(await lockedUntil(p.person.id)).not.toBeNull();
      expect(await auditOf(p.person.id, 'user.unlocked')).toEqual([]);
      expect(await auditOf(p.person.id, 'user.sessions_ended')).toEqual([]);
      expect(await mailsTo(p.email)).toHaveLength(1); // the lockout's own mail
    });

    it('refuses to give access back to a disabled account: its organization decides', async () => {
      const p = await createPerson(t.app, { name: 'Dora Disabled' });
      await sql(`update people set status = 'disabled' where id = ?`, p.person.id);
      const res = await act(agent.client, p.person.id, 'send-reset', VERIFIED);
      expect(res.status).toBe(409);
      expect(errorSummary(res.text).join(' ')).toContain('Only an admin of the organization can enable it.');
      expect(await auditOf(p.person.id, 'user.password_reset_sent')).toEqual([]);
      expect(await mailsTo(p.email)).toEqual([]);
    });

    it('guides a "can\'t sign in" call to the narrowest action, refusing an incomplete checklist on its own page', async () => {
      const p = await createPerson(t.app, { name: 'Gina Guided' });
      await fail(p);
      const page = `/admin/users/${p.person.id}/cant-sign-in`;
      const guided = await agent.client.get(page);
      expect(guided.status).toBe(200);
      expect(all(guided.text, '[data-offer]').map((b) => b.getAttribute('data-offer'))).toEqual(['unlock']);
      const refused = await agent.client.submit(
        page,
        { flow: 'guided', reason: 'phone_callback', confirmedIdentity: 'yes' },
        `/admin/users/${p.person.id}/unlock`,
      );
      expect(refused.status).toBe(400);
      expect(heading(refused.text)).toBe("Can't sign in: Gina Guided");
      expect(fieldError(refused.text, 'confirmedChannel')).toContain('Confirm you reached them');
      expect(await lockedUntil(p.person.id)).not.toBeNull();
      const done = await agent.client.submit(
        page,
        { ...VERIFIED, flow: 'guided' },
        `/admin/users/${p.person.id}/unlock`,
      );
      expect(done.status).toBe(303);
      expect(await lockedUntil(p.person.id)).toBeNull();

      // Not locked, two-factor on: a reset link first, two-factor off as the other way.
      await twoFactorOn(p.person.id);
      const next = await agent.client.get(page);
      expect(all(next.text, '[data-offer]').map((b) => b.getAttribute('data-offer'))).toEqual([
        'send-reset',
        'reset-2fa',
      ]);
    });
  });

  describe('resending an invitation', () => {
    const inviteTo = (organizationId: string | null, email: string, role: 'admin' | 'member' | 'helpdesk') =>
      withContext(t.app, () =>
        t.app.get(InvitationsService).invite(
          {
            personId: null,
            organizationId,
            grantable: organizationId ? ['admin', 'member'] : ['operator', 'helpdesk'],
          },
          { email, role },
        ),
      );
    const invitationLinks = async (email: string) =>
      (await mailsTo(email))
        .flatMap((mail) => mail.links.map((href) => new URL(href)))
        .filter((url) => url.pathname.startsWith('/invitations/'))
        .map((url) => url.pathname);

    it("resends an invited admin's invitation with a reason: audited, the new link mailed, the other admins told", async () => {
      const org = await createOrganization(t.app, 'Invites Co');
      const other = await createPerson(t.app, { role: 'admin', organization: org, name: 'Olga Admin' });
      const member = await createPerson(t.app, { role: 'member', organization: org });
      const invited = await inviteTo(org.id, 'ines.invited@example.test', 'admin');
      const [first] = await invitationLinks(invited.email);

      const health = await agent.client.get(`/admin/users/${invited.id}`);
      expect(health.text).toMatch(/data-state="invited">Invited</);
      expect(textOf(health.text, '[data-invitation]')).toContain('the link works until');
      expect(health.text).toContain(`href="/admin/users/${invited.id}/resend-invitation"`);
      // No password to reset, nothing to unlock: the other actions are not offered.
      expect(health.text).not.toContain('/send-reset"');
      expect(health.text).not.toContain('/cant-sign-in"');

      const page = await agent.client.get(`/admin/users/${invited.id}/resend-invitation`);
      expect(page.status).toBe(200);
      expect(heading(page.text)).toBe(`Resend invitation: ${invited.name}`);
      const res = await act(agent.client, invited.id, 'resend-invitation', {
        reason: 'link_expired',
        note: 'Ticket 5150',
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/users/${invited.id}`);
      const shown = await agent.client.get(res.headers.location);
      expect(flashMessages(shown.text)).toEqual([
        `A new invitation is on its way to ${invited.email}; the previous link no longer works.`,
      ]);
      expect(textOf(shown.text, '#security-changes')).toContain(
        'Invitation sent again — The link expired: Ticket 5150',
      );

      const [entry] = await auditOf(invited.id, 'user.invitation_resent');
      expect(entry).toMatchObject({
        actorLabel: agent.email,
        organizationId: org.id,
        details: { reason: 'The link expired: Ticket 5150' },
      });
      const links = await invitationLinks(invited.email);
      expect(links).toHaveLength(2);
      expect(links[1]).not.toBe(first);
      expect((await new Client(t.server).get(first)).status).toBe(400);
      expect((await new Client(t.server).get(links[1])).status).toBe(200);

      const notices = await mailsTo(other.email);
      expect(notices.map((m) => m.subject)).toEqual([`Support helped ${invited.name}, an admin of Invites Co`]);
      expect(notices[0].text).toContain('a new invitation link was sent to its owner');
      expect(await mailsTo(member.email)).toEqual([]);
    });

    it('needs a reason (and a note with Other); nothing is sent without one', async () => {
      const org = await createOrganization(t.app, 'Reasons Co');
      const invited = await inviteTo(org.id, 'rory.reasons@example.test', 'member');
      const missing = await act(agent.client, invited.id, 'resend-invitation', { reason: '', note: '' });
      expect(missing.status).toBe(400);
      expect(fieldError(missing.text, 'reason')).toBe('Choose why the invitation should be sent again.');
      expect(heading(missing.text)).toBe(`Resend invitation: ${invited.name}`);
      const other = await act(agent.client, invited.id, 'resend-invitation', { reason: 'other', note: '' });
      expect(other.status).toBe(400);
      expect(fieldError(other.text, 'note')).toContain('a note is needed when the reason is Other');
      expect(await auditOf(invited.id, 'user.invitation_resent')).toEqual([]);
      expect(await mailsTo(invited.email)).toHaveLength(1);
    });

    it('refuses it for someone not invited, and the other actions for someone invited', async () => {
      const active = await createPerson(t.app, { name: 'Alan Accepted' });
      const page = await agent.client.get(`/admin/users/${active.person.id}/resend-invitation`);
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe(`/admin/users/${active.person.id}`);
      // Posted anyway (the form is not offered): the token comes from the account page.
      const res = await agent.client.submit(
        `/admin/users/${active.person.id}`,
        { reason: 'link_expired' },
        `/admin/users/${active.person.id}/resend-invitation`,
      );
      expect(res.status).toBe(409);
      expect(errorSummary(res.text)).toEqual([
        'Alan Accepted has no open invitation: they accepted it already. Help them sign in instead.',
      ]);
      expect(await auditOf(active.person.id, 'user.invitation_resent')).toEqual([]);

      const org = await createOrganization(t.app, 'Not Yet Co');
      const invited = await inviteTo(org.id, 'nat.notyet@example.test', 'member');
      for (const [action, fields] of [
        ['send-reset', VERIFIED],
        ['end-sessions', { reason: 'lost_device' }],
      ] as const) {
        const refused = await act(agent.client, invited.id, action, fields);
        expect([action, refused.status]).toEqual([action, 409]);
        expect(errorSummary(refused.text).join(' ')).toContain('resend the invitation instead');
      }
      expect(await mailsTo(invited.email)).toHaveLength(1);
    });

    it('leaves invited staff to operators: helpdesk 403, an operator resends it', async () => {
      const operator = await signedIn(t, 'operator');
      const invited = await inviteTo(null, 'stella.staff@example.test', 'helpdesk');
      expect((await agent.client.get(`/admin/users/${invited.id}/resend-invitation`)).status).toBe(403);
      const refused = await agent.client.agent
        .post(`/admin/users/${invited.id}/resend-invitation`)
        .type('form')
        .send({ reason: 'link_expired', _csrf: await csrf(agent.client) })
        .redirects(0);
      expect(refused.status).toBe(403);
      expect(await mailsTo(invited.email)).toHaveLength(1);

      const res = await act(operator.client, invited.id, 'resend-invitation', { reason: 'mail_not_received' });
      expect(res.status).toBe(303);
      const [entry] = await auditOf(invited.id, 'user.invitation_resent');
      expect(entry).toMatchObject({
        actorLabel: operator.email,
        organizationId: null,
        details: { reason: 'The invitation email did not arrive' },
      });
      expect(await invitationLinks(invited.email)).toHaveLength(2);
    });
  });

  describe('limits', () => {
    it('keeps helpdesk off staff accounts; operators act on anyone but themselves', async () => {
      const operator = await signedIn(t, 'operator');
      const colleague = await createPerson(t.app, { role: 'helpdesk' });
      for (const staff of [operator, colleague]) {
        expect((await agent.client.get(`/admin/users/${staff.person.id}`)).status).toBe(403);
        const res = await agent.client.agent
          .post(`/admin/users/${staff.person.id}/end-sessions`)
          .type('form')
          .send({ reason: 'lost_device', _csrf: await csrf(agent.client) })
          .redirects(0);
        expect(res.status).toBe(403);
      }
      expect(await auditOf(operator.person.id, 'user.sessions_ended')).toEqual([]);

      const onColleague = await act(operator.client, colleague.person.id, 'end-sessions', { reason: 'lost_device' });
      expect(onColleague.status).toBe(303);
      const own = await operator.client.get(`/admin/users/${operator.person.id}`);
      expect(own.status).toBe(200);
      expect(textOf(own.text, '.col-lg-5')).toContain('This is your own account');
      const onSelf = await operator.client.agent
        .post(`/admin/users/${operator.person.id}/end-sessions`)
        .type('form')
        .send({ reason: 'lost_device', _csrf: await csrf(operator.client) })
        .redirects(0);
      expect(onSelf.status).toBe(403);
    });

    it('refuses org admins and members every page (403), and unknown ids are 404', async () => {
      const someone = await createPerson(t.app);
      const paths = (id: string) => [
        '/admin/users?q=a',
        `/admin/users/${id}`,
        `/admin/users/${id}/cant-sign-in`,
        ...['unlock', 'send-reset', 'reset-2fa', 'end-sessions', 'resend-invitation'].map(
          (a) => `/admin/users/${id}/${a}`,
        ),
      ];
      for (const role of ['admin', 'member'] as const) {
        const { client } = await signedIn(t, role);
        const token = await csrf(client);
        for (const path of paths(someone.person.id)) {
          expect([path, (await client.get(path)).status]).toEqual([path, 403]);
        }
        for (const path of paths(someone.person.id).slice(3)) {
          const post = await client.agent
            .post(path)
            .type('form')
            .send({ ...VERIFIED, _csrf: token })
            .redirects(0);
          expect([path, post.status]).toEqual([path, 403]);
        }
      }
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const path of paths(missing).slice(1))
        expect([path, (await agent.client.get(path)).status]).toEqual([path, 404]);
      const post = await agent.client.agent
        .post(`/admin/users/${missing}/unlock`)
        .type('form')
        .send({ ...VERIFIED, _csrf: await csrf(agent.client) })
        .redirects(0);
      expect(post.status).toBe(404);
    });

    it('needs the CSRF token on every action', async () => {
      const p = await createPerson(t.app);
      for (const action of ['unlock', 'send-reset', 'reset-2fa', 'end-sessions', 'resend-invitation']) {
        expect((await agent.client.postWithoutCsrf(`/admin/users/${p.person.id}/${action}`, VERIFIED)).status).toBe(
          403,
        );
      }
    });
  });

  const csrf = async (client: Client) => csrfFrom((await client.get('/account')).text);
});

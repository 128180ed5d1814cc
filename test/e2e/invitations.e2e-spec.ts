import { EntityManager } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { createOrganization } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { MailService } from '../../src/platform/mail/mail.service';
import { InvitationsService } from '../../src/modules/people/invitations.service';
import { Client } from '../utils/http';
import { errorSummary, fieldError, flashMessages, heading, pageText, tableRows } from '../utils/html';
import { linkTo, mailFiles, type ParsedMail } from '../utils/mail';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const PASSWORD = 'amber-quarry-lantern-77';

// An org admin invites people by email; the invited person accepts with a
// name and password, and only then can sign in.
describe('invitations (/org/users/invite, /invitations/:token)', () => {
  let t: TestApp;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const personByEmail = async (email: string) =>
    (
      await sql<{ id: string; name: string; role: string; status: string }>(
        'select id, name, role, status from people where email = ?',
        email,
      )
    )[0];
  const actions = async (email: string) =>
    (
      await sql<{ action: string }>(
        `select action from audit_entries where target_label = ? and action like 'user.%' order by id`,
        email,
      )
    ).map((row) => row.action);

  /** The mails `address` received so far (the file transport), once delivery is done. */
  async function mailsTo(address: string): Promise<ParsedMail[]> {
    await t.app.get(MailService).whenIdle();
    return (await mailFiles(t.dataDir)).filter((mail) => mail.to.includes(address));
  }
  const invitationPath = (mail: ParsedMail) => {
    const link = mail.links.map((href) => new URL(href)).find((url) => url.pathname.startsWith('/invitations/'));
    if (!link) throw new Error(`No invitation link in:\n${mail.text}`);
    return link.pathname;
  };

  async function orgWithAdmin(name: string) {
    const org = await createOrganization(t.app, name);
    const admin = await signedIn(t, 'admin', { organization: org, name: `${name} Admin` });
    return { org, admin };
  }
  const invite = (client: Client, fields: Record<string, string>) =>
    client.submit('/org/users/invite', { role: 'member', ...fields });
  const accept = (path: string, fields: Partial<Record<'name' | 'password' | 'confirmPassword', string>> = {}) =>
    // The token for the form comes from the sign-in page: a dead link's page has no form.
    new Client(t.server).submit(
      '/login',
      { name: 'Nora Newcomer', password: PASSWORD, confirmPassword: PASSWORD, ...fields },
      path,
    );

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('invites by email; the link opens a page naming the organization; accepting lets them sign in', async () => {
    const { admin } = await orgWithAdmin('Inviters');
    const email = 'nora@example.test';
    const res = await invite(admin.client, { email, role: 'member' });
    expect(res.status).toBe(303);
    const person = await personByEmail(email);
    expect(person).toMatchObject({ status: 'invited', role: 'member' });
    expect(res.headers.location).toBe(`/org/users/${person.id}`);
    const page = await admin.client.get(res.headers.location);
    expect(flashMessages(page.text)).toEqual([`An invitation is on its way to ${email}. The link works for 7 days.`]);
    expect(pageText(page.text)).toContain('Invited');
    expect(page.text).toContain('Resend invitation');

    // Listed as invited (yellow), and the status filter finds them.
    const list = await admin.client.get('/org/users?status=invited');
    expect(tableRows(list.text).map((row) => row[1])).toEqual([email]);
    expect(list.text).toMatch(/badge bg-yellow-lt" data-state="invited">Invited</);

    const [mail] = await mailsTo(email);
    expect(mail.subject).toBe('You are invited to Inviters on SeatDesk');
    const path = invitationPath(mail);
    expect(linkTo(mail, path).href).toContain(path);

    // Before accepting, they cannot sign in (the generic answer).
    const early = await new Client(t.server).signIn(email, PASSWORD);
    expect(early.status).toBe(401);
    const unknown = await new Client(t.server).signIn('nobody-at-all@example.test', PASSWORD);
    expect(errorSummary(early.text)).toEqual(errorSummary(unknown.text));

    const form = await request(t.server).get(path);
    expect(form.status).toBe(200);
    expect(pageText(form.text)).toContain('You are invited to join Inviters on SeatDesk as nora@example.test');

    const done = await accept(path, { name: 'Nora Newcomer' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/login');
    expect(await personByEmail(email)).toMatchObject({ status: 'active', name: 'Nora Newcomer' });
    expect(await actions(email)).toEqual(['user.invited', 'user.invitation_accepted']);

    const signIn = await new Client(t.server).signIn(email, PASSWORD);
    expect(signIn.status).toBe(303);
    expect(signIn.headers.location).toBe('/dashboard');

    // Used: the link is refused from now on.
    const again = await request(t.server).get(path);
    expect(again.status).toBe(400);
    expect(pageText(again.text)).toContain('This invitation link is not valid any more');
  });

  it('refuses an expired link (7 days and a second), a resent one’s old link, and a revoked one', async () => {
    const { org, admin: first } = await orgWithAdmin('Expiry');
    await invite(first.client, { email: 'late@example.test' });
    const latePath = invitationPath((await mailsTo('late@example.test'))[0]);
    t.clock.advance(7 * 24 * 3600 + 1);
    // (A week on, the first admin's session has ended too.)
    const admin = await signedIn(t, 'admin', { organization: org });
    expect((await request(t.server).get(latePath)).status).toBe(400);
    const tooLate = await accept(latePath);
    expect(tooLate.status).toBe(400);
    expect(pageText(tooLate.text)).toContain('This invitation link is not valid any more');
    expect((await personByEmail('late@example.test')).status).toBe('invited');

    // Resend: a new link; the old one stops working.
    const late = await personByEmail('late@example.test');
    const page = `/org/users/${late.id}`;
    const resent = await admin.client.submit(page, {}, `${page}/resend`);
    expect(resent.status).toBe(303);
    const mails = await mailsTo('late@example.test');
    expect(mails).toHaveLength(2);
    const newPath = invitationPath(mails[1]);
    expect(newPath).not.toBe(latePath);
    expect((await request(t.server).get(latePath)).status).toBe(400);
    expect((await request(t.server).get(newPath)).status).toBe(200);

    // Revoke: confirmed on a page of its own; the person is gone and the link with them.
    await invite(admin.client, { email: 'gone@example.test' });
    const gonePath = invitationPath((await mailsTo('gone@example.test'))[0]);
    const gone = await personByEmail('gone@example.test');
    const confirm = await admin.client.get(`/org/users/${gone.id}/revoke`);
    expect(heading(confirm.text)).toBe('Revoke invitation: gone');
    const revoked = await admin.client.submit(`/org/users/${gone.id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect(await personByEmail('gone@example.test')).toBeUndefined();
    expect((await request(t.server).get(gonePath)).status).toBe(400);
    expect((await accept(gonePath)).status).toBe(400);
    expect(await actions('gone@example.test')).toEqual(['user.invited', 'user.invitation_revoked']);
    expect(await actions('late@example.test')).toEqual(['user.invited', 'user.invitation_resent']);
  });

  it('refuses a role above their own, a staff role, a taken address and a bad one, beside the fields', async () => {
    const { admin } = await orgWithAdmin('Limits');
    for (const role of ['operator', 'helpdesk', 'owner']) {
      const res = await invite(admin.client, { email: `${role}@example.test`, role });
      expect(res.status).toBe(400);
      expect(fieldError(res.text, 'role')).toBe('Choose Organization admin or Member.');
      expect(await personByEmail(`${role}@example.test`)).toBeUndefined();
    }
    const taken = await invite(admin.client, { email: admin.email });
    expect(taken.status).toBe(400);
    expect(fieldError(taken.text, 'email')).toBe('A person with this email address already exists.');
    const bad = await invite(admin.client, { email: 'not-an-address' });
    expect(bad.status).toBe(400);
    expect(errorSummary(bad.text)).toEqual(['Enter an email address like name@example.com.']);

    // A member reaches none of it.
    const member = await signedIn(t, 'member', { organization: (await orgWithAdmin('Other')).org });
    expect((await member.client.get('/org/users/invite')).status).toBe(403);
  });

  it('an invited admin cannot sign in and does not count as an active admin', async () => {
    const { admin } = await orgWithAdmin('Solo');
    await invite(admin.client, { email: 'second-admin@example.test', role: 'admin' });
    const invited = await personByEmail('second-admin@example.test');
    expect(invited).toMatchObject({ role: 'admin', status: 'invited' });
    // The only active admin still cannot make themselves a member.
    const page = `/org/users/${admin.person.id}`;
    const demoted = await admin.client.submit(page, { role: 'member' }, `${page}/role`);
    expect(demoted.status).toBe(409);
    const signIn = await new Client(t.server).signIn('second-admin@example.test', '');
    expect(signIn.status).not.toBe(303);
  });

  it('the service invites staff too (no organization), for the operators’ pages to come', async () => {
    const operator = await personByEmail((await createOperator(t)).email);
    const invitations = t.app.get(InvitationsService);
    const by = { personId: operator.id, organizationId: null, grantable: ['helpdesk'] as const };
    const refused = withContext(t.app, () => invitations.invite(by, { email: 'op2@example.test', role: 'operator' }));
    await expect(refused).rejects.toThrow('You can invite people as helpdesk only.');
    const invited = await withContext(t.app, () =>
      invitations.invite(by, { email: 'desk@example.test', name: 'Desk Person', role: 'helpdesk' }),
    );
    const [mail] = await mailsTo('desk@example.test');
    expect(mail.subject).toBe('You are invited to SeatDesk');
    const path = invitationPath(mail);
    expect(pageText((await request(t.server).get(path)).text)).toContain(
      'You are invited to join SeatDesk as desk@example.test',
    );
    expect((await accept(path, { name: 'Desk Person' })).status).toBe(303);
    const [row] = await sql<{ status: string; role: string; organizationId: string | null }>(
      'select status, role, organization_id as organizationId from people where id = ?',
      invited.id,
    );
    expect(row).toEqual({ status: 'active', role: 'helpdesk', organizationId: null });
  });

  it('checks the name and password of an acceptance by the house rules', async () => {
    const { admin } = await orgWithAdmin('Rules');
    await invite(admin.client, { email: 'rules@example.test' });
    const path = invitationPath((await mailsTo('rules@example.test'))[0]);
    const weak = await accept(path, { password: 'short', confirmPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(fieldError(weak.text, 'password')).toMatch(/at least/);
    const mismatch = await accept(path, { confirmPassword: `${PASSWORD}x` });
    expect(fieldError(mismatch.text, 'confirmPassword')).toBe('The two passwords are not the same: type it again.');
    expect((await personByEmail('rules@example.test')).status).toBe('invited');
    expect((await accept(path)).status).toBe(303);
  });
});

describe('POST /invitations/:token is rate-limited like the other public forms', () => {
  it('answers 429 past LOGIN_RATE_LIMIT for one link, before doing any work', async () => {
    const t = await createTestApp({ LOGIN_RATE_LIMIT: '2' });
    try {
      await createOperator(t);
      const client = new Client(t.server);
      const path = `/invitations/${'x'.repeat(43)}`;
      const statuses: number[] = [];
      let last = '';
      for (let i = 0; i < 3; i++) {
        const res = await client.submit('/login', { name: 'N', password: PASSWORD, confirmPassword: PASSWORD }, path);
        statuses.push(res.status);
        last = res.text;
      }
      expect(statuses).toEqual([400, 400, 429]);
      expect(pageText(last)).toContain('Too many attempts');
    } finally {
      await t.close();
    }
  });
});

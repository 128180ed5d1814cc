import { EntityManager } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { createPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { Client } from '../utils/http';
import { errorSummary, fieldError, flashMessages, heading, pageLink, pageText, tableRows } from '../utils/html';
import { createMailedTestApp, signedIn, type MailedTestApp } from '../utils/test-app';

const PASSWORD = 'cobalt-harbour-lantern-58';

// Operators invite staff as org admins invite their people: the invited
// person chooses their name and password from the link, and only then signs in.
describe('staff by invitation (/admin/staff)', () => {
  let t: MailedTestApp;
  let operator: Awaited<ReturnType<typeof signedIn>>;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const personByEmail = async (email: string) =>
    (
      await sql<{ id: string; name: string; role: string; status: string; organizationId: string | null }>(
        'select id, name, role, status, organization_id as organizationId from people where email = ?',
        email,
      )
    )[0];
  const audit = (email: string) =>
    sql<{ action: string; actorLabel: string }>(
      `select action, actor_label as actorLabel from audit_entries where target_label = ? and action like 'user.%' order by id`,
      email,
    );
  const invite = (fields: Record<string, string>) =>
    operator.client.submit('/admin/staff/new', { role: 'helpdesk', ...fields }, '/admin/staff');
  const invitationPath = async (email: string, nth = 0) => {
    const mails = await t.mailTo(email);
    const link = mails[nth]?.links.map((href) => new URL(href)).find((url) => url.pathname.startsWith('/invitations/'));
    if (!link) throw new Error(`No invitation link to ${email}`);
    return link.pathname;
  };
  const accept = (path: string, name: string) =>
    new Client(t.server).submit('/login', { name, password: PASSWORD, confirmPassword: PASSWORD }, path);

  beforeAll(async () => {
    t = await createMailedTestApp();
    operator = await signedIn(t, 'operator', { name: 'Ophelia Operator' });
  });
  afterAll(() => t.close());

  it('invites a staff member: invited (yellow) until they accept with their own name and password', async () => {
    const email = 'ivy.invited@example.test';
    const res = await invite({ email, role: 'helpdesk' });
    expect(res.status).toBe(303);
    const person = await personByEmail(email);
    expect(person).toMatchObject({ status: 'invited', role: 'helpdesk', organizationId: null });
    expect(res.headers.location).toBe(`/admin/staff/${person.id}`);

    const page = await operator.client.get(res.headers.location);
    expect(flashMessages(page.text)).toEqual([
      `An invitation to join as Helpdesk is on its way to ${email}. The link works for 7 days.`,
    ]);
    expect(page.text).toMatch(/badge bg-yellow-lt" data-state="invited">Invited</);
    expect(pageText(page.text)).toContain('the link works until');
    expect(page.text).toContain('Resend invitation');
    expect(page.text).toContain(`href="/admin/staff/${person.id}/revoke"`);
    // Nothing to disable, demote or reset before they accept.
    expect(page.text).not.toContain('Disable account');
    expect(page.text).not.toContain('Change role');
    expect(page.text).not.toContain('Send password link');

    const list = await operator.client.get(`/admin/staff?q=${encodeURIComponent('ivy.invited')}`);
    expect(tableRows(list.text).map((row) => row.slice(1, 3))).toEqual([['Helpdesk', 'Invited']]);

    const [mail] = await t.mailTo(email);
    expect(mail.subject).toBe('You are invited to SeatDesk');
    const path = await invitationPath(email);
    // The accept page reads fine without an organization.
    const form = await request(t.server).get(path);
    expect(form.status).toBe(200);
    expect(pageText(form.text)).toContain(
      `You are invited to join SeatDesk as ${email}. Choose your name and a password.`,
    );

    expect((await new Client(t.server).signIn(email, PASSWORD)).status).toBe(401);
    const done = await accept(path, 'Ivy Helper');
    expect(done.status).toBe(303);
    expect(await personByEmail(email)).toMatchObject({ status: 'active', name: 'Ivy Helper', role: 'helpdesk' });
    const signIn = await new Client(t.server).signIn(email, PASSWORD);
    expect(signIn.status).toBe(303);
    expect(signIn.headers.location).toBe('/dashboard');

    const entries = await audit(email);
    expect(entries.map((e) => e.action)).toEqual(['user.invited', 'user.invitation_accepted']);
    expect(entries[0].actorLabel).toBe(operator.email);
    const shown = await operator.client.get(`/admin/staff/${person.id}`);
    expect(shown.text).toMatch(/data-state="active">Active</);
  });

  it('resends an invitation (the old link stops working) and revokes one on a page of its own', async () => {
    const email = 'rex.resend@example.test';
    await invite({ email, role: 'operator', name: 'Rex Resend' });
    const { id } = await personByEmail(email);
    const page = `/admin/staff/${id}`;
    const first = await invitationPath(email);

    const resent = await operator.client.submit(page, {}, `${page}/resend`);
    expect(resent.status).toBe(303);
    expect(resent.headers.location).toBe(page);
    expect(flashMessages((await operator.client.get(page)).text)).toEqual([
      `A new invitation is on its way to ${email}; the previous link no longer works.`,
    ]);
    const second = await invitationPath(email, 1);
    expect(second).not.toBe(first);
    expect((await request(t.server).get(first)).status).toBe(400);
    expect((await request(t.server).get(second)).status).toBe(200);

    const confirm = await operator.client.get(`${page}/revoke`);
    expect(confirm.status).toBe(200);
    expect(heading(confirm.text)).toBe('Revoke invitation: Rex Resend');
    expect(confirm.text).toMatch(/<button type="submit" class="btn btn-danger">Revoke invitation<\/button>/);
    const revoked = await operator.client.submit(`${page}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect(revoked.headers.location).toBe('/admin/staff');
    expect(flashMessages((await operator.client.get('/admin/staff')).text)).toEqual([
      `The invitation to ${email} is revoked.`,
    ]);
    expect(await personByEmail(email)).toBeUndefined();
    expect((await request(t.server).get(second)).status).toBe(400);
    expect((await operator.client.get(page)).status).toBe(404);
    expect((await audit(email)).map((e) => e.action)).toEqual([
      'user.invited',
      'user.invitation_resent',
      'user.invitation_revoked',
    ]);
  });

  it('refuses to disable, enable, re-role or reset an invited staff member, and never revokes an active one', async () => {
    const email = 'nell.notyet@example.test';
    await invite({ email, role: 'helpdesk', name: 'Nell Notyet' });
    const { id } = await personByEmail(email);
    const page = `/admin/staff/${id}`;

    const confirmDisable = await operator.client.get(`${page}/disable`);
    expect(confirmDisable.status).toBe(303);
    expect(confirmDisable.headers.location).toBe(page);
    const disable = await operator.client.submit(page, {}, `${page}/disable`);
    expect(disable.status).toBe(409);
    expect(errorSummary(disable.text)).toEqual([
      'Nell Notyet has not accepted the invitation yet: revoke the invitation instead.',
    ]);
    const enable = await operator.client.submit(page, {}, `${page}/enable`);
    expect(enable.status).toBe(409);
    expect(errorSummary(enable.text).join(' ')).toContain('has not accepted the invitation yet');
    const role = await operator.client.submit(page, { role: 'operator' }, `${page}/role`);
    expect(role.status).toBe(409);
    expect(errorSummary(role.text)).toEqual([
      'Nell Notyet has not accepted the invitation yet: revoke it and invite them again with the other role.',
    ]);
    const reset = await operator.client.submit(page, {}, `${page}/reset-link`);
    expect(reset.status).toBe(409);
    expect(errorSummary(reset.text)).toEqual([
      'Nell Notyet has not accepted the invitation yet: resend the invitation instead.',
    ]);
    expect(await personByEmail(email)).toMatchObject({ status: 'invited', role: 'helpdesk' });
    expect((await t.mailTo(email)).length).toBe(1);

    // An active staff member has no invitation: the revoke page leads back to their page, the post is 404.
    const active = await createPerson(t.app, { role: 'helpdesk' });
    const activePage = `/admin/staff/${active.person.id}`;
    const confirm = await operator.client.get(`${activePage}/revoke`);
    expect(confirm.status).toBe(303);
    expect(confirm.headers.location).toBe(activePage);
    expect((await operator.client.submit(activePage, {}, `${activePage}/revoke`)).status).toBe(404);
    expect((await operator.client.submit(activePage, {}, `${activePage}/resend`)).status).toBe(404);
    expect((await personByEmail(active.email)).status).toBe('active');
  });

  it('never counts an invited operator as the active operator the install keeps', async () => {
    // The signed-in operator is the install's only active one once the others are disabled.
    await sql(`update people set status = 'disabled' where role = 'operator' and id <> ?`, operator.person.id);
    await invite({ email: 'otto.invited@example.test', role: 'operator' });
    expect((await personByEmail('otto.invited@example.test')).status).toBe('invited');
    const page = `/admin/staff/${operator.person.id}`;
    const demote = await operator.client.submit(page, { role: 'helpdesk' }, `${page}/role`);
    expect(demote.status).toBe(409);
    expect(pageText(demote.text)).toContain("Ophelia Operator is the install's only active operator");
    expect((await personByEmail(operator.email)).role).toBe('operator');
  });

  it('refuses a taken address beside the field', async () => {
    const res = await invite({ email: operator.email.toUpperCase(), role: 'operator' });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'email')).toBe('A person with this email address already exists.');
  });

  it('pages the staff list by name, 50 at a time, and searches it', async () => {
    for (let i = 0; i < 55; i++) {
      await createPerson(t.app, {
        role: 'helpdesk',
        name: `Pager ${String(i).padStart(2, '0')}`,
        email: `pager${String(i).padStart(2, '0')}@example.test`,
      });
    }
    const first = await operator.client.get('/admin/staff?q=Pager');
    const firstNames = tableRows(first.text).map((row) => row[0].split('pager')[0]);
    expect(firstNames).toHaveLength(50);
    expect(firstNames[0]).toBe('Pager 00');
    expect(firstNames[49]).toBe('Pager 49');
    expect(pageLink(first.text, 'prev')).toBeUndefined();
    const next = pageLink(first.text, 'next')!;
    expect(next).toContain('q=Pager');

    const second = await operator.client.get(next);
    expect(tableRows(second.text).map((row) => row[0].split('pager')[0])).toEqual([
      'Pager 50',
      'Pager 51',
      'Pager 52',
      'Pager 53',
      'Pager 54',
    ]);
    expect(pageLink(second.text, 'next')).toBeUndefined();
    const back = await operator.client.get(pageLink(second.text, 'prev')!);
    expect(tableRows(back.text).map((row) => row[0].split('pager')[0])).toEqual(firstNames);

    // The whole list pages too (everyone, not only the first 50).
    const all = await operator.client.get('/admin/staff');
    expect(tableRows(all.text)).toHaveLength(50);
    expect(pageLink(all.text, 'next')).toBeDefined();

    // By the start of an address, and a search that finds nobody says so.
    const byEmail = await operator.client.get('/admin/staff?q=pager07%40');
    expect(tableRows(byEmail.text).map((row) => row[0])).toEqual(['Pager 07pager07@example.test']);
    const none = await operator.client.get('/admin/staff?q=nobody-like-this');
    expect(tableRows(none.text)).toEqual([]);
    expect(pageText(none.text)).toContain("No staff member's name or email matches “nobody-like-this”.");
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { createOrganization, createPerson } from '../../seeds/factories';
import { Conflict } from '../../src/common/errors/app-error';
import { SIGN_IN_FAILED } from '../../src/modules/auth/sign-in/sign-in.service';
import { StaffService } from '../../src/modules/staff/staff.service';
import { withContext } from '../../src/platform/database/request-context';
import { Client } from '../utils/http';
import { errorSummary, flashMessages, heading, pageText, tableRows, textOf } from '../utils/html';
import { tokenIn } from '../utils/mail';
import { createMailedTestApp, createTestApp, signedIn, type MailedTestApp, type TestApp } from '../utils/test-app';

const sqlOf =
  (t: TestApp) =>
  <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));

// Operators manage organizations (suspend, reactivate, their page) and the
// install's staff (helpdesk and operators, who belong to no organization).
describe('operators: organizations and staff', () => {
  let t: MailedTestApp;
  let sql: ReturnType<typeof sqlOf>;
  let operator: Awaited<ReturnType<typeof signedIn>>;

  const auditOf = (targetId: string, action: string) =>
    sql<{ actorLabel: string; details: string | null }>(
      'select actor_label as actorLabel, details from audit_entries where target_id = ? and action = ? order by id',
      targetId,
      action,
    );

  beforeAll(async () => {
    t = await createMailedTestApp();
    sql = sqlOf(t);
    operator = await signedIn(t, 'operator', { name: 'Olive Operator' });
  });
  afterAll(() => t.close());

  describe('organizations', () => {
    it("shows each organization's people count and status, and its page the usage counts", async () => {
      const org = await createOrganization(t.app, 'Usage Ltd');
      await createPerson(t.app, { role: 'admin', organization: org, name: 'Ursula Admin' });
      await createPerson(t.app, { role: 'member', organization: org, name: 'Umberto Member' });
      const list = await operator.client.get('/admin/organizations?q=Usage');
      expect(tableRows(list.text)[0]).toEqual(['Usage Ltd', '2', 'Active', expect.any(String)]);

      const page = await operator.client.get(`/admin/organizations/${org.id}`);
      expect(page.status).toBe(200);
      expect(heading(page.text)).toBe('Usage Ltd');
      expect(textOf(page.text, '[data-count="people"]')).toBe('2');
      expect(textOf(page.text, '[data-count="admins"]')).toBe('1');
      expect(textOf(page.text, '[data-count="locked"]')).toBe('0');
      expect(textOf(page.text, '[data-count="twoFactorOn"]')).toBe('0');
      const people = tableRows(page.text).map((row) => [row[0].split(/(member|admin)\./)[0], row[1], row[2]]);
      expect(people).toEqual([
        ['Umberto Member', 'Member', 'Active'],
        ['Ursula Admin', 'Organization admin', 'Active'],
      ]);
    });

    it('suspends an organization: its people are signed out and refused, until it is reactivated', async () => {
      const org = await createOrganization(t.app, 'Paused Inc');
      const admin = await signedIn(t, 'admin', { organization: org });
      const member = await signedIn(t, 'member', { organization: org });
      const other = await signedIn(t, 'member');
      expect((await member.client.get('/dashboard')).status).toBe(200);

      const page = `/admin/organizations/${org.id}`;
      const confirm = await operator.client.get(`${page}/suspend`);
      expect(confirm.status).toBe(200);
      expect(pageText(confirm.text)).toContain('signed out at once');
      const suspended = await operator.client.submit(`${page}/suspend`, {});
      expect(suspended.status).toBe(303);
      expect(suspended.headers.location).toBe(page);
      const shown = await operator.client.get(page);
      expect(flashMessages(shown.text)).toEqual([
        '“Paused Inc” is suspended: its people are signed out and cannot sign in.',
      ]);
      expect(tableRows((await operator.client.get('/admin/organizations?q=Paused')).text)[0][2]).toBe('Suspended');

      // Their open sessions have ended (the listener) and the next request is sent to sign in.
      for (const client of [admin.client, member.client]) {
        const res = await client.get('/dashboard');
        expect(res.status).toBe(303);
        expect(res.headers.location).toMatch(/^\/login/);
      }
      const open = await sql<{ n: number }>(
        'select count(*) as n from sessions where person_id in (?, ?) and ended_at is null',
        admin.person.id,
        member.person.id,
      );
      expect(open[0].n).toBe(0);
      // Another organization's people and the operator are untouched.
      expect((await other.client.get('/dashboard')).status).toBe(200);
      expect((await operator.client.get('/dashboard')).status).toBe(200);

      // Signing in is refused with the same answer as a wrong password.
      const refused = await new Client(t.server).signIn(member.email, member.password);
      expect(refused.status).toBe(401);
      expect(pageText(refused.text)).toContain(SIGN_IN_FAILED);
      const wrong = await new Client(t.server).signIn(member.email, 'not-the-right-password-1');
      expect(pageText(wrong.text)).toContain(SIGN_IN_FAILED);
      expect((await auditOf(org.id, 'organization.suspended'))[0].actorLabel).toBe(operator.email);

      const reactivated = await operator.client.submit(page, {}, `${page}/reactivate`);
      expect(reactivated.status).toBe(303);
      expect(flashMessages((await operator.client.get(page)).text)).toEqual([
        '“Paused Inc” is active again: its people can sign in.',
      ]);
      expect((await new Client(t.server).signIn(member.email, member.password)).status).toBe(303);
      expect((await auditOf(org.id, 'organization.reactivated'))[0].actorLabel).toBe(operator.email);
    });

    it('refuses the session of a suspended organization on its next request, even one not yet ended', async () => {
      const org = await createOrganization(t.app, 'Lookup Co');
      const member = await signedIn(t, 'member', { organization: org });
      // Suspended behind the service's back: no event, so only the lookup stands in the way.
      await sql('update organizations set suspended_at = ? where id = ?', Date.now(), org.id);
      const res = await member.client.get('/dashboard');
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
      const [session] = await sql<{ reason: string }>(
        'select end_reason as reason from sessions where person_id = ? order by created_at desc limit 1',
        member.person.id,
      );
      expect(session.reason).toBe('organization-suspended');
    });

    it('answers 404 for an unknown organization', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await operator.client.get(`/admin/organizations/${unknown}`)).status).toBe(404);
      expect(
        (await operator.client.submit('/admin/organizations', {}, `/admin/organizations/${unknown}/suspend`)).status,
      ).toBe(404);
    });
  });

  describe('staff', () => {
    it('lists operators and helpdesk with status, two-factor and last sign-in, never organization people', async () => {
      const helpdesk = await createPerson(t.app, { role: 'helpdesk', name: 'Hana Helpdesk' });
      const member = await createPerson(t.app, { role: 'member', name: 'Mona Member' });
      const res = await operator.client.get('/admin/staff');
      expect(res.status).toBe(200);
      const rows = tableRows(res.text);
      const names = rows.map((row) => row[0]);
      expect(names.some((name) => name.startsWith('Olive Operator'))).toBe(true);
      expect(names.some((name) => name.startsWith('Hana Helpdesk'))).toBe(true);
      expect(names.some((name) => name.startsWith(member.person.name))).toBe(false);
      const hana = rows.find((row) => row[0].startsWith('Hana Helpdesk'))!;
      expect(hana.slice(1)).toEqual(['Helpdesk', 'Active', 'Off', 'Never']);
      expect(helpdesk.person.organizationId).toBeNull();
    });

    // Inviting staff (the invitation, its acceptance, resending and revoking): staff-invitations.e2e-spec.ts.

    it('refuses a taken address and a role that is not staff, beside the fields', async () => {
      const taken = await operator.client.submit(
        '/admin/staff/new',
        { name: 'Dup', email: operator.email.toUpperCase(), role: 'operator' },
        '/admin/staff',
      );
      expect(taken.status).toBe(400);
      expect(errorSummary(taken.text).join(' ')).toContain('A person with this email address already exists.');
      for (const role of ['admin', 'member']) {
        const res = await operator.client.submit(
          '/admin/staff/new',
          { name: 'X', email: `x.${role}@example.test`, role },
          '/admin/staff',
        );
        expect(res.status).toBe(400);
        expect(errorSummary(res.text).join(' ')).toContain('Choose Helpdesk or Operator.');
      }
      const extra = await operator.client.submit(
        '/admin/staff/new',
        { name: 'X', email: 'x.extra@example.test', role: 'helpdesk', organizationId: 'anything' },
        '/admin/staff',
      );
      expect(extra.status).toBe(400);
      expect(await sql('select id from people where email like ?', 'x.%@example.test')).toEqual([]);
    });

    it('disables a staff member (their sessions end) and enables them again, audited', async () => {
      const helpdesk = await signedIn(t, 'helpdesk', { name: 'Dora Disabled' });
      const page = `/admin/staff/${helpdesk.person.id}`;
      const confirm = await operator.client.get(`${page}/disable`);
      expect(heading(confirm.text)).toBe('Disable account: Dora Disabled');
      const res = await operator.client.submit(`${page}/disable`, {});
      expect(res.status).toBe(303);
      const after = await helpdesk.client.get('/dashboard');
      expect(after.status).toBe(303);
      expect((await new Client(t.server).signIn(helpdesk.email, helpdesk.password)).status).toBe(401);
      expect(await auditOf(helpdesk.person.id, 'user.disabled')).toHaveLength(1);

      expect((await operator.client.submit(page, {}, `${page}/enable`)).status).toBe(303);
      expect((await new Client(t.server).signIn(helpdesk.email, helpdesk.password)).status).toBe(303);
      expect(await auditOf(helpdesk.person.id, 'user.enabled')).toHaveLength(1);
    });

    it('mails a staff member a reset link on request', async () => {
      const helpdesk = await createPerson(t.app, { role: 'helpdesk', name: 'Rita Reset' });
      const page = `/admin/staff/${helpdesk.person.id}`;
      const res = await operator.client.submit(page, {}, `${page}/reset-link`);
      expect(res.status).toBe(303);
      const [mail] = await t.mailTo(helpdesk.email);
      expect(mail.text).toContain(`${operator.email}, an operator, sent you a link`);
      tokenIn(mail, '/reset-password');
      const [entry] = await auditOf(helpdesk.person.id, 'auth.password.reset_requested');
      expect(entry.actorLabel).toBe(operator.email);
      expect(JSON.parse(entry.details!)).toMatchObject({ via: 'operator' });
    });

    it('refuses an operator disabling themselves', async () => {
      const page = `/admin/staff/${operator.person.id}`;
      const res = await operator.client.submit(`${page}/disable`, {});
      expect(res.status).toBe(409);
      expect(errorSummary(res.text)).toEqual(['You cannot disable your own account. Ask another operator.']);
      expect((await operator.client.get('/dashboard')).status).toBe(200);
    });

    it('answers 404 for someone who is not staff', async () => {
      const member = await createPerson(t.app, { role: 'member' });
      expect((await operator.client.get(`/admin/staff/${member.person.id}`)).status).toBe(404);
      const res = await operator.client.submit('/admin/staff', {}, `/admin/staff/${member.person.id}/disable`);
      expect(res.status).toBe(404);
      expect(
        (await sql<{ status: string }>('select status from people where id = ?', member.person.id))[0].status,
      ).toBe('active');
    });
  });

  describe('is for operators only', () => {
    it.each(['helpdesk', 'admin', 'member'] as const)('answers a %s 403 on every operator route', async (role) => {
      const org = await createOrganization(t.app);
      const staff = await createPerson(t.app, { role: 'helpdesk' });
      const { client } = await signedIn(t, role);
      const gets = [
        '/admin/organizations',
        `/admin/organizations/${org.id}`,
        `/admin/organizations/${org.id}/suspend`,
        '/admin/staff',
        '/admin/staff/new',
        `/admin/staff/${staff.person.id}`,
        `/admin/staff/${staff.person.id}/disable`,
      ];
      for (const path of gets) expect([path, (await client.get(path)).status]).toEqual([path, 403]);
      const posts: [string, Record<string, string>][] = [
        [`/admin/organizations/${org.id}/suspend`, {}],
        [`/admin/organizations/${org.id}/reactivate`, {}],
        ['/admin/staff', { name: 'Sneaky', email: `sneaky.${role}@example.test`, role: 'operator' }],
        [`/admin/staff/${staff.person.id}/disable`, {}],
        [`/admin/staff/${staff.person.id}/enable`, {}],
        [`/admin/staff/${staff.person.id}/role`, { role: 'operator' }],
        [`/admin/staff/${staff.person.id}/reset-link`, {}],
      ];
      for (const [path, fields] of posts) {
        expect([path, (await client.submit('/dashboard', fields, path)).status]).toEqual([path, 403]);
      }
      expect(await sql('select id from organizations where id = ? and suspended_at is not null', org.id)).toEqual([]);
      expect(await sql('select id from people where email = ?', `sneaky.${role}@example.test`)).toEqual([]);
      expect(
        (
          await sql<{ role: string; status: string }>('select role, status from people where id = ?', staff.person.id)
        )[0],
      ).toEqual({ role: 'helpdesk', status: 'active' });
      expect(await t.mailTo(staff.email)).toEqual([]);
    });
  });
});

// The install keeps an active operator, whatever operators do to each other.
describe('the last active operator', () => {
  let t: TestApp;
  let sql: ReturnType<typeof sqlOf>;
  beforeAll(async () => {
    t = await createTestApp();
    sql = sqlOf(t);
  });
  afterAll(() => t.close());

  const activeOperators = async () =>
    (await sql<{ n: number }>(`select count(*) as n from people where role = 'operator' and status = 'active'`))[0].n;

  it('cannot be disabled or made helpdesk', async () => {
    const last = await signedIn(t, 'operator', { name: 'Last Operator' });
    const other = await createPerson(t.app, { role: 'operator', name: 'Soon Gone' });
    const staff = t.app.get(StaffService);
    await withContext(t.app, () => staff.disable(last.person.id, other.person.id));
    expect(await activeOperators()).toBe(1);

    const page = `/admin/staff/${last.person.id}`;
    const demote = await last.client.submit(page, { role: 'helpdesk' }, `${page}/role`);
    expect(demote.status).toBe(409);
    expect(pageText(demote.text)).toContain("Last Operator is the install's only active operator");
    // Disabling is refused by the same rule, asked by anyone.
    const outcome = withContext(t.app, () => staff.disable(other.person.id, last.person.id));
    await expect(outcome).rejects.toBeInstanceOf(Conflict);
    expect(await activeOperators()).toBe(1);
    expect((await last.client.get('/admin/staff')).status).toBe(200);
  });

  it('stays when two operators disable each other at once: exactly one succeeds', async () => {
    await sql(`update people set status = 'disabled' where role = 'operator'`);
    const a = await createPerson(t.app, { role: 'operator' });
    const b = await createPerson(t.app, { role: 'operator' });
    const staff = t.app.get(StaffService);
    for (let round = 0; round < 10; round++) {
      const outcomes = await Promise.allSettled([
        withContext(t.app, () => staff.disable(a.person.id, b.person.id)),
        round % 2 === 0
          ? withContext(t.app, () => staff.disable(b.person.id, a.person.id))
          : withContext(t.app, () => staff.changeRole(a.person.id, 'helpdesk')),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
      expect(await activeOperators()).toBe(1);
      await sql(`update people set role = 'operator', status = 'active' where id in (?, ?)`, a.person.id, b.person.id);
    }
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { createOrganization, createPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { AfterCommit } from '../../src/platform/database/after-commit';
import { Conflict } from '../../src/common/errors/app-error';
import { OrgMembersService } from '../../src/modules/people/org-members.service';
import { Client } from '../utils/http';
import { csrfFrom, errorSummary, flashMessages, heading, pageText, tableRows } from '../utils/html';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// An organization admin changes roles, disables, re-enables and removes the
// organization's people; the organization always keeps an active admin.
describe('org admins manage their people (/org/users/:id)', () => {
  let t: TestApp;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const personRow = async (id: string) =>
    (await sql<{ role: string; status: string }>('select role, status from people where id = ?', id))[0];
  const auditOf = (id: string, action: string) =>
    sql<{ actorLabel: string; details: string | null }>(
      'select actor_label as actorLabel, details from audit_entries where target_id = ? and action = ? order by id',
      id,
      action,
    );

  /** An organization with a signed-in admin, and one member. */
  async function organization(name: string) {
    const org = await createOrganization(t.app, name);
    const admin = await signedIn(t, 'admin', { organization: org, name: `${name} Admin` });
    const member = await createPerson(t.app, { role: 'member', organization: org, name: `${name} Member` });
    return { org, admin, member };
  }

  /** Posts a form on `page` with its CSRF token and `fields`. */
  const submit = (client: Client, page: string, action: string, fields: Record<string, string> = {}) =>
    client.submit(page, fields, action);
  const post = (client: Client, path: string, fields: Record<string, string>) =>
    client.agent.post(path).type('form').send(fields).redirects(0);

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('makes a member an admin and back, audited with both roles', async () => {
    const { admin, member } = await organization('Roleplay');
    const page = `/org/users/${member.person.id}`;
    const promoted = await submit(admin.client, page, `${page}/role`, { role: 'admin' });
    expect(promoted.status).toBe(303);
    expect(promoted.headers.location).toBe(page);
    expect((await personRow(member.person.id)).role).toBe('admin');
    const shown = await admin.client.get(page);
    expect(flashMessages(shown.text)).toEqual([`${member.person.name} is now: Organization admin.`]);

    await submit(admin.client, page, `${page}/role`, { role: 'member' });
    expect((await personRow(member.person.id)).role).toBe('member');
    const entries = await auditOf(member.person.id, 'user.role_changed');
    expect(entries.map((e) => JSON.parse(e.details!) as unknown)).toEqual([
      { from: 'member', to: 'admin' },
      { from: 'admin', to: 'member' },
    ]);
    expect(entries[0].actorLabel).toBe(admin.email);
  });

  it('never grants a staff role, and ignores extra fields that would move or re-role someone', async () => {
    const { admin, member } = await organization('Escalation');
    const page = `/org/users/${member.person.id}`;
    for (const role of ['operator', 'helpdesk']) {
      const res = await submit(admin.client, page, `${page}/role`, { role });
      expect(res.status).toBe(400);
      expect(errorSummary(res.text).join(' ')).toContain('Choose Organization admin or Member.');
    }
    const other = await createOrganization(t.app, 'Elsewhere Inc');
    const extra = await submit(admin.client, page, `${page}/role`, { role: 'admin', organizationId: other.id });
    expect(extra.status).toBe(400);
    expect(await personRow(member.person.id)).toEqual({ role: 'member', status: 'active' });
  });

  it('keeps the last active admin: cannot be demoted (not even by themselves), disabled or removed', async () => {
    const { admin } = await organization('Lonely');
    const page = `/org/users/${admin.person.id}`;
    const demote = await submit(admin.client, page, `${page}/role`, { role: 'member' });
    expect(demote.status).toBe(409);
    expect(pageText(demote.text)).toContain("Lonely Admin is the organization's only active admin");
    // Shown on the person's page again, with the person on it.
    expect(heading(demote.text)).toBe('Lonely Admin');
    expect(pageText(demote.text)).toContain(admin.email);
    expect((await personRow(admin.person.id)).role).toBe('admin');
    // Their own account is not theirs to disable or remove.
    expect((await admin.client.get(`${page}/disable`)).status).toBe(200);
    const disable = await submit(admin.client, `${page}/disable`, `${page}/disable`);
    expect(disable.status).toBe(409);
    expect(errorSummary(disable.text)).toEqual(['You cannot disable your own account. Ask another admin.']);
    expect((await personRow(admin.person.id)).status).toBe('active');
  });

  it('lets exactly one of two admins demote the other when both try at once', async () => {
    const org = await createOrganization(t.app, 'Duel Ltd');
    const a = await signedIn(t, 'admin', { organization: org, name: 'Alice Duel' });
    const b = await signedIn(t, 'admin', { organization: org, name: 'Bob Duel' });
    const [pageA, pageB] = [`/org/users/${b.person.id}`, `/org/users/${a.person.id}`];
    const [htmlA, htmlB] = await Promise.all([a.client.get(pageA), b.client.get(pageB)]);
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([
        post(a.client, `${pageA}/role`, { _csrf: csrfFrom(htmlA.text), role: 'member' }),
        post(b.client, `${pageB}/role`, { _csrf: csrfFrom(htmlB.text), role: 'member' }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      const roles = [(await personRow(a.person.id)).role, (await personRow(b.person.id)).role];
      expect(roles.filter((r) => r === 'admin')).toHaveLength(1);
      // The loser is refused by the statement (409) or, if the winner's change
      // landed before its request was let in, as no longer an admin (403).
      expect(statuses[0]).toBe(303);
      expect([403, 409]).toContain(statuses[1]);
      // Put both back for the next round, straight in the database.
      await sql(`update people set role = 'admin' where id in (?, ?)`, a.person.id, b.person.id);
    }
  });

  it('keeps an admin when both demotions reach the database together, past every check', async () => {
    const org = await createOrganization(t.app, 'Race Ltd');
    const a = await createPerson(t.app, { role: 'admin', organization: org });
    const b = await createPerson(t.app, { role: 'admin', organization: org });
    const members = t.app.get(OrgMembersService);
    for (let round = 0; round < 10; round++) {
      const outcomes = await Promise.allSettled([
        withContext(t.app, () => members.changeRole({ personId: a.person.id, orgId: org.id }, b.person.id, 'member')),
        withContext(t.app, () => members.disable({ personId: b.person.id, orgId: org.id }, a.person.id)),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
      const active = await sql<{ n: number }>(
        `select count(*) as n from people where organization_id = ? and role = 'admin' and status = 'active'`,
        org.id,
      );
      expect(active[0].n).toBe(1);
      await sql(`update people set role = 'admin', status = 'active' where id in (?, ?)`, a.person.id, b.person.id);
    }
  });

  it('disables a member: their sessions end at once, they cannot sign in, and enabling lets them back', async () => {
    const { admin, member } = await organization('Offboard');
    const client = new Client(t.server);
    expect((await client.signIn(member.email, member.password)).status).toBe(303);
    expect((await client.get('/dashboard')).status).toBe(200);

    const page = `/org/users/${member.person.id}`;
    const confirm = await admin.client.get(`${page}/disable`);
    expect(heading(confirm.text)).toBe(`Disable account: ${member.person.name}`);
    expect(pageText(confirm.text)).toContain('signed out everywhere');
    const done = await submit(admin.client, `${page}/disable`, `${page}/disable`);
    expect(done.status).toBe(303);
    expect((await personRow(member.person.id)).status).toBe('disabled');
    await t.app.get(AfterCommit).whenIdle(); // the listener runs after the commit
    const open = await sql<{ n: number }>(
      'select count(*) as n from sessions where person_id = ? and ended_at is null',
      member.person.id,
    );
    expect(open[0].n).toBe(0);
    expect((await client.get('/dashboard')).status).toBe(303);
    expect((await new Client(t.server).signIn(member.email, member.password)).status).toBe(401);
    expect(await auditOf(member.person.id, 'user.disabled')).toHaveLength(1);
    expect(tableRows((await admin.client.get('/org/users?status=disabled')).text).map((r) => r[0])).toEqual([
      member.person.name,
    ]);

    const enabled = await submit(admin.client, page, `${page}/enable`);
    expect(enabled.status).toBe(303);
    expect((await new Client(t.server).signIn(member.email, member.password)).status).toBe(303);
    expect(await auditOf(member.person.id, 'user.enabled')).toHaveLength(1);
  });

  it('removes a member after a confirmation page; the audit keeps their email', async () => {
    const { admin, member } = await organization('Leavers');
    const page = `/org/users/${member.person.id}`;
    const confirm = await admin.client.get(`${page}/remove`);
    expect(pageText(confirm.text)).toContain('This cannot be undone');
    const done = await submit(admin.client, `${page}/remove`, `${page}/remove`);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/org/users');
    expect(await personRow(member.person.id)).toBeUndefined();
    expect((await admin.client.get(page)).status).toBe(404);
    const [entry] = await sql<{ targetLabel: string }>(
      `select target_label as targetLabel from audit_entries where action = 'user.removed' and target_id = ?`,
      member.person.id,
    );
    expect(entry.targetLabel).toBe(member.email);
    expect((await new Client(t.server).signIn(member.email, member.password)).status).toBe(401);
  });

  it("answers 404 for another organization's person and for staff, on every page and action", async () => {
    const { admin } = await organization('Nosy');
    const { member: stranger } = await organization('Private');
    const helpdesk = await createPerson(t.app, { role: 'helpdesk' });
    for (const target of [stranger, helpdesk]) {
      const base = `/org/users/${target.person.id}`;
      for (const path of [base, `${base}/disable`, `${base}/remove`]) {
        expect((await admin.client.get(path)).status).toBe(404);
      }
      const csrf = csrfFrom((await admin.client.get('/org/users')).text);
      for (const [action, fields] of [
        ['role', { role: 'member' }],
        ['disable', {}],
        ['enable', {}],
        ['remove', {}],
      ] as const) {
        const res = await post(admin.client, `${base}/${action}`, { _csrf: csrf, ...fields });
        expect(res.status).toBe(404);
      }
      expect(await personRow(target.person.id)).toEqual({
        role: target === helpdesk ? 'helpdesk' : 'member',
        status: 'active',
      });
    }
  });

  it.each(['member', 'helpdesk', 'operator'] as const)('refuses the actions to a %s', async (role) => {
    const { member } = await organization(`Refuse ${role}`);
    const { client } = await signedIn(t, role);
    const base = `/org/users/${member.person.id}`;
    expect((await client.get(`${base}/disable`)).status).toBe(403);
    const csrf = csrfFrom((await client.get('/dashboard')).text);
    expect((await post(client, `${base}/disable`, { _csrf: csrf })).status).toBe(403);
    expect((await personRow(member.person.id)).status).toBe('active');
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { createOrganization } from '../../seeds/factories';
import type { Principal } from '../../src/common/http/principal';
import { SupportService } from '../../src/modules/support/support.service';
import {
  ticketListQuery,
  viewCountsQuery,
  type Category,
  type Level,
  type TicketStatus,
} from '../../src/modules/support/tickets.repository';
import { withContext } from '../../src/platform/database/request-context';
import { Sql } from '../../src/platform/database/sql';
import { MailService } from '../../src/platform/mail/mail.service';
import {
  attrOf,
  attrsOf,
  csrfFrom,
  fieldError,
  flashMessages,
  pageLink,
  textOf,
  textsOf,
  unescapeHtml,
} from '../utils/html';
import { mailFiles } from '../utils/mail';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

type Who = Awaited<ReturnType<typeof signedIn>>;

// Request-Tracker-like queue views (issue 13, third increment): "waiting on
// me", "unassigned" and "waiting on customer" views with counts, saved
// searches (private or shared), and bulk update of ticked queue rows.
describe('support queue views, saved searches and bulk update (/admin/support)', () => {
  let t: TestApp;
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const support = () => t.app.get(SupportService);
  const as = (who: Who, orgId: string | null = null): Principal =>
    ({ personId: who.person.id, orgId, role: who.person.role, name: who.person.name }) as Principal;
  /** A ticket opened by `member`, a minute after the last thing that happened. */
  const ticket = async (
    member: Who,
    orgId: string,
    subject: string,
    urgency: Level = 'normal',
    category: Category = 'billing',
  ) => {
    t.clock.advance(60);
    const row = await withContext(t.app, () =>
      support().create(as(member, orgId), { subject, description: 'Help.', category, urgency }),
    );
    return row.id;
  };
  const assign = async (id: string, to: Who | null) => {
    t.clock.advance(60);
    await withContext(t.app, () => support().assign(id, to ? to.person.id : null));
  };
  const move = async (id: string, status: Exclude<TicketStatus, 'new'>) => {
    t.clock.advance(60);
    await withContext(t.app, () => support().setStatus(id, status));
  };
  const subjects = (html: string) => textsOf(html, '[data-queue] tbody tr td a');
  const counts = (html: string) =>
    Object.fromEntries(
      attrsOf(html, '[data-queue-views] a[data-view]', 'data-view').map((view) => [
        view,
        textOf(html, `[data-queue-views] a[data-view="${view}"] [data-view-count]`),
      ]),
    );
  const statusOf = async (id: string) =>
    (await sql<{ s: string }>('select status as s from tickets where id = ?', id))[0].s;

  beforeAll(async () => {
    t = await createTestApp({ SESSION_IDLE_SECONDS: '31536000', SESSION_MAX_SECONDS: '31536000' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('shows "waiting on me", "unassigned" and "waiting on customer" with their counts, each in its order', async () => {
    const org = await createOrganization(t.app, 'Views Org');
    const member = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk', { name: 'Ada Agent' });
    const other = await signedIn(t, 'helpdesk', { name: 'Otto Other' });

    const oldNormal = await ticket(member, org.id, 'Old normal');
    const urgent = await ticket(member, org.id, 'Urgent one', 'high');
    const newerNormal = await ticket(member, org.id, 'Newer normal');
    const pendingOne = await ticket(member, org.id, 'Pending one', 'low');
    const pendingTwo = await ticket(member, org.id, 'Pending two');
    const solvedOne = await ticket(member, org.id, 'Solved one');
    const othersOne = await ticket(member, org.id, 'Other agent’s');
    await ticket(member, org.id, 'Unowned old');
    await ticket(member, org.id, 'Unowned new');
    const unownedPending = await ticket(member, org.id, 'Unowned pending');
    const unownedSolved = await ticket(member, org.id, 'Unowned solved');

    for (const id of [oldNormal, newerNormal, urgent, pendingTwo, pendingOne, solvedOne]) await assign(id, agent);
    await assign(othersOne, other);
    await move(pendingTwo, 'pending');
    await move(pendingOne, 'pending');
    await move(solvedOne, 'solved');
    await move(unownedPending, 'pending');
    await move(unownedSolved, 'solved');
    // A customer's reply: the oldest normal one is now the most recently active of the agent's.
    await move(oldNormal, 'pending');
    t.clock.advance(60);
    await withContext(t.app, () => support().customerReply(as(member, org.id), oldNormal, 'Any news?'));

    const all = await agent.client.get('/admin/support');
    expect(all.status).toBe(200);
    expect(counts(all.text)).toEqual({ mine: '3', unassigned: '3', waiting: '2', all: undefined });
    expect(attrOf(all.text, '[data-queue-views] a[aria-current="page"]', 'data-view')).toBe('all');

    // Waiting on me: mine, new or open; the highest priority first, then the longest waiting.
    const mine = await agent.client.get('/admin/support?view=mine');
    expect(subjects(mine.text)).toEqual(['Urgent one', 'Newer normal', 'Old normal']);
    expect(attrOf(mine.text, '[data-queue-views] a[aria-current="page"]', 'data-view')).toBe('mine');
    // Unassigned: unresolved and unowned, newest first.
    expect(subjects((await agent.client.get('/admin/support?view=unassigned')).text)).toEqual([
      'Unowned pending',
      'Unowned new',
      'Unowned old',
    ]);
    // Waiting on customer: mine and pending, waiting longest first.
    expect(subjects((await agent.client.get('/admin/support?view=waiting')).text)).toEqual([
      'Pending two',
      'Pending one',
    ]);
    // The other agent's views are their own.
    const others = await other.client.get('/admin/support?view=mine');
    expect(subjects(others.text)).toEqual(['Other agent’s']);
    expect(counts(others.text)).toEqual({ mine: '1', unassigned: '3', waiting: '0', all: undefined });
    // A view narrows further by the other filters; the status and assignee filters give way to it.
    expect(subjects((await agent.client.get('/admin/support?view=mine&priority=P2&status=closed')).text)).toEqual([
      'Urgent one',
    ]);
  });

  it('pages a view by its own order (keyset), forwards and back', async () => {
    const org = await createOrganization(t.app, 'Paging Org');
    const member = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    const urgencies: Level[] = ['low', 'high', 'normal'];
    const made: { subject: string; priority: number; at: number }[] = [];
    for (let i = 0; i < 30; i++) {
      const urgency = urgencies[i % 3];
      const subject = `Paged ${String(i).padStart(2, '0')}`;
      const id = await ticket(member, org.id, subject, urgency);
      await assign(id, agent);
      made.push({ subject, priority: { low: 4, normal: 3, high: 2 }[urgency], at: i });
    }
    const expected = [...made].sort((a, b) => a.priority - b.priority || a.at - b.at).map((m) => m.subject);
    const first = await agent.client.get('/admin/support?view=mine');
    expect(subjects(first.text)).toEqual(expected.slice(0, 25));
    const next = unescapeHtml(pageLink(first.text, 'next')!);
    expect(next).toMatch(/^\/admin\/support\?view=mine&after=/);
    const second = await agent.client.get(next);
    expect(subjects(second.text)).toEqual(expected.slice(25));
    const back = await agent.client.get(unescapeHtml(pageLink(second.text, 'prev')!));
    expect(subjects(back.text)).toEqual(expected.slice(0, 25));
  });

  it('answers each view from its own index, without sorting, on every page', async () => {
    const cursor = [30_000_000_000_000, '00000000-0000-4000-8000-000000000000'];
    const me = '00000000-0000-4000-8000-000000000001';
    for (const [view, index] of [
      ['mine', 'tickets_view_mine_idx'],
      ['unassigned', 'tickets_view_unassigned_idx'],
      ['waiting', 'tickets_view_waiting_idx'],
    ] as const) {
      for (const request of [
        { after: null, before: null, limit: 25 },
        { after: cursor, before: null, limit: 25 },
        { after: null, before: cursor, limit: 25 },
      ]) {
        const filter = { view, ...(view === 'unassigned' ? {} : { assigneeId: me }) };
        const { sql: text, params } = ticketListQuery(filter, request);
        const plan = (
          await withContext(t.app, () => t.app.get(Sql).all<{ detail: string }>(`explain query plan ${text}`, params))
        )
          .map((row) => row.detail)
          .join(' | ');
        expect(plan).toContain(`USING INDEX ${index} (assignee_id=?`);
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
    }
  });

  it("counts the views from their indexes alone, never a ticket's row", async () => {
    const { sql: text, params } = viewCountsQuery('00000000-0000-4000-8000-000000000001');
    const plan = (
      await withContext(t.app, () => t.app.get(Sql).all<{ detail: string }>(`explain query plan ${text}`, params))
    ).map((row) => row.detail);
    const searches = plan.filter((detail) => detail.startsWith('SEARCH'));
    expect(searches).toEqual([
      'SEARCH t USING COVERING INDEX tickets_view_mine_idx (assignee_id=?)',
      'SEARCH t USING COVERING INDEX tickets_view_unassigned_idx (assignee_id=?)',
      'SEARCH t USING COVERING INDEX tickets_view_waiting_idx (assignee_id=?)',
    ]);
  });

  it('saves searches, private or shared; only the owner renames or deletes them', async () => {
    const org = await createOrganization(t.app, 'Searches Org');
    const member = await signedIn(t, 'member', { organization: org });
    const ada = await signedIn(t, 'helpdesk', { name: 'Ada Saver' });
    const bob = await signedIn(t, 'helpdesk', { name: 'Bob Browser' });
    await ticket(member, org.id, 'Unowned licenses question', 'normal', 'licenses');

    // From the queue, "Save this search" opens the form with the current filters.
    const queue = await ada.client.get('/admin/support?view=unassigned&category=licenses');
    const saveHref = unescapeHtml(attrOf(queue.text, 'a[data-save-search]', 'href')!);
    expect(saveHref).toBe('/admin/support/searches/new?view=unassigned&category=licenses');
    const form = await ada.client.get(saveHref);
    expect(form.status).toBe(200);
    expect(textOf(form.text, '[data-search-description]')).toBe('Unassigned · Licenses');

    const refused = await ada.client.submit(saveHref, { name: '  ', query: 'view=unassigned&category=licenses' });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.text, 'name')).toBe('Enter a name.');
    const tooLong = await ada.client.submit(saveHref, { name: 'x'.repeat(81), query: 'view=mine' });
    expect(fieldError(tooLong.text, 'name')).toBe('Use at most 80 characters.');

    const shared = await ada.client.submit(saveHref, {
      name: 'Unowned billing',
      shared: 'on',
      query: 'view=unassigned&category=licenses&bogus=1',
    });
    expect(shared.status).toBe(303);
    expect(shared.headers.location).toBe('/admin/support?view=unassigned&category=licenses');
    const priv = await ada.client.submit('/admin/support/searches/new?view=mine&priority=P1', {
      name: 'My P1',
      query: 'view=mine&priority=P1',
    });
    expect(priv.status).toBe(303);
    const taken = await ada.client.submit('/admin/support/searches/new?view=mine', {
      name: 'my p1',
      query: 'view=mine',
    });
    expect(taken.status).toBe(400);
    expect(fieldError(taken.text, 'name')).toBe('You already have a saved search of this name: choose another.');

    // Listed at the top of the queue; the current one is marked.
    const adaQueue = await ada.client.get('/admin/support?view=unassigned&category=licenses');
    expect(textsOf(adaQueue.text, '[data-saved-searches] a[data-saved-search]')).toEqual([
      'My P1',
      'Unowned billing(shared)',
    ]);
    expect(textOf(adaQueue.text, '[data-saved-searches] a[aria-current="page"]')).toBe('Unowned billing(shared)');
    const ids = attrsOf(adaQueue.text, '[data-saved-searches] a[data-saved-search]', 'data-saved-search');
    const [privId, sharedId] = ids;

    // Bob sees the shared search (not Ada's private one) and uses it.
    const bobQueue = await bob.client.get('/admin/support');
    expect(textsOf(bobQueue.text, '[data-saved-searches] a[data-saved-search]')).toEqual([
      'Unowned billing(shared with you)',
    ]);
    const used = await bob.client.get(
      unescapeHtml(attrOf(bobQueue.text, '[data-saved-searches] a[data-saved-search]', 'href')!),
    );
    expect(subjects(used.text)).toEqual(['Unowned licenses question']);
    // …but may neither rename nor delete Ada's searches: they are not his (404).
    for (const id of [privId, sharedId]) {
      expect((await bob.client.get(`/admin/support/searches/${id}/edit`)).status).toBe(404);
      const del = await bob.client.submit('/admin/support/searches', {}, `/admin/support/searches/${id}/delete`);
      expect(del.status).toBe(404);
      const ren = await bob.client.submit(
        '/admin/support/searches',
        { name: 'Mine now' },
        `/admin/support/searches/${id}/edit`,
      );
      expect(ren.status).toBe(404);
    }
    const manage = await bob.client.get('/admin/support/searches');
    expect(textsOf(manage.text, '[data-saved-search-list] tbody td:first-child a')).toEqual(['Unowned billing']);
    expect(textsOf(manage.text, '[data-saved-search-list] button')).toEqual([]);
    // Names are unique per owner: Bob may have his own "My P1".
    expect(
      (await bob.client.submit('/admin/support/searches/new?view=mine', { name: 'My P1', query: 'view=mine' })).status,
    ).toBe(303);

    // Ada renames her private search, unshares the shared one, then deletes both.
    const renamed = await ada.client.submit(`/admin/support/searches/${privId}/edit`, { name: 'Urgent and mine' });
    expect(renamed.status).toBe(303);
    const clash = await ada.client.submit(`/admin/support/searches/${privId}/edit`, { name: 'UNOWNED BILLING' });
    expect(fieldError(clash.text, 'name')).toBe('You already have a saved search of this name: choose another.');
    expect(
      (await ada.client.submit(`/admin/support/searches/${sharedId}/edit`, { name: 'Unowned billing' })).status,
    ).toBe(303);
    expect(
      textsOf((await bob.client.get('/admin/support')).text, '[data-saved-searches] a[data-saved-search]'),
    ).toEqual(['My P1']);
    let list = await ada.client.get('/admin/support/searches');
    expect(textsOf(list.text, '[data-saved-search-list] tbody td:first-child a')).toEqual([
      'Unowned billing',
      'Urgent and mine',
    ]);
    for (const id of [privId, sharedId]) {
      const del = await ada.client.submit('/admin/support/searches', {}, `/admin/support/searches/${id}/delete`);
      expect(del.status).toBe(303);
    }
    list = await ada.client.get('/admin/support/searches');
    expect(textsOf(list.text, '[data-saved-search-list] tbody td:first-child a')).toEqual([]);

    // Only what was shared is audited: created (shared), then unshared.
    const audited = await sql<{ details: string; target_id: string }>(
      "select details, target_id from audit_entries where action = 'support.saved_search_changed' order by id",
    );
    expect(audited.map((a) => [a.target_id, JSON.parse(a.details).change])).toEqual([
      [sharedId, 'created'],
      [sharedId, 'unshared'],
    ]);

    // Customers have no business here.
    expect((await member.client.get('/admin/support/searches')).status).toBe(403);
  });

  it('bulk-updates the ticked tickets with the single actions’ audit and mail, skipping those that cannot', async () => {
    const org = await createOrganization(t.app, 'Bulk Org');
    const member = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk', { name: 'Bulk Agent' });
    const admin = await signedIn(t, 'admin', { organization: org });
    const ids = [];
    for (const subject of ['Bulk one', 'Bulk two', 'Bulk three']) ids.push(await ticket(member, org.id, subject));
    const closed = await ticket(member, org.id, 'Bulk closed');
    await move(closed, 'closed');
    const solved = await ticket(member, org.id, 'Bulk solved');
    await move(solved, 'solved');
    const untouched = await ticket(member, org.id, 'Bulk untouched');
    await t.app.get(MailService).whenIdle();
    const mailsBefore = (await mailFiles(t.dataDir)).filter((m) => m.to.includes(member.email)).length;

    const back = `organization=${org.id}&bogus=1`;
    const page = await agent.client.get(`/admin/support?${back}`);
    // Each row's checkbox is labelled for screen readers.
    expect(attrsOf(page.text, '[data-queue] input[name="ids"]', 'aria-label')).toContain('Tick “Bulk one”');
    expect(unescapeHtml(attrOf(page.text, '[data-bulk-form] input[name="back"]', 'value')!)).toBe(
      `organization=${org.id}`,
    );
    const post = (who: Who, fields: Record<string, string | string[]>, csrf: string | null) =>
      who.client.agent
        .post('/admin/support/bulk')
        .type('form')
        .send({ ...fields, ...(csrf === null ? {} : { _csrf: csrf }) })
        .redirects(0);

    // Without the form's token nothing happens; customers may not.
    expect((await post(agent, { ids: ids, status: 'solved', back }, null)).status).toBe(403);
    for (const who of [member, admin]) {
      const csrf = csrfFrom((await who.client.get('/dashboard')).text);
      expect((await post(who, { ids, status: 'solved', back }, csrf)).status).toBe(403);
    }
    expect(await Promise.all(ids.map(statusOf))).toEqual(['new', 'new', 'new']);

    const res = await post(
      agent,
      { ids: [...ids, closed, solved], assign: 'me', status: 'solved', note: 'Bulk fix applied.', back },
      csrfFrom(page.text),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/support?organization=${org.id}`);
    const after = await agent.client.get(String(res.headers.location));
    expect(flashMessages(after.text)).toEqual(['Updated 4 tickets; 1 skipped (closed).']);
    expect(await Promise.all([...ids, closed, solved, untouched].map(statusOf))).toEqual([
      'solved',
      'solved',
      'solved',
      'closed',
      'solved',
      'new',
    ]);
    const owners = await sql<{ a: string | null }>(
      `select assignee_id as a from tickets where id in (?, ?, ?, ?, ?)`,
      ...ids,
      solved,
      closed,
    );
    expect(owners.filter((o) => o.a === agent.person.id)).toHaveLength(4);

    // The same audit entries as the ticket page's actions, one set per ticket changed.
    const audit = await sql<{ action: string; n: number }>(
      `select action, count(*) as n from audit_entries where target_id in (?, ?, ?, ?, ?)
         and action in ('ticket.assigned', 'ticket.note_added', 'ticket.status_changed') group by action order by action`,
      ...ids,
      closed,
      solved,
    );
    expect(audit.map((a) => [a.action, a.n])).toEqual([
      ['ticket.assigned', 4],
      ['ticket.note_added', 4],
      // The solved ticket was solved already (and the closed one, before: its own move).
      ['ticket.status_changed', 5],
    ]);
    // The note is internal: on each ticket's page for staff, in no customer's mail.
    const ticketPage = await agent.client.get(`/admin/support/${ids[0]}`);
    expect(ticketPage.text).toContain('Bulk fix applied.');
    // The customer hears of each ticket solved, as from the ticket page.
    await t.app.get(MailService).whenIdle();
    const mails = (await mailFiles(t.dataDir)).filter((m) => m.to.includes(member.email)).slice(mailsBefore);
    expect(mails.map((m) => m.subject).sort()).toEqual(['Solved: Bulk one', 'Solved: Bulk three', 'Solved: Bulk two']);
    expect(mails.some((m) => m.text.includes('Bulk fix applied.'))).toBe(false);

    // Solved → waiting on customer is no move; closed takes nothing.
    const again = await post(agent, { ids: [ids[0], closed], status: 'pending', back: '' }, csrfFrom(page.text));
    expect(again.headers.location).toBe('/admin/support');
    expect(flashMessages((await agent.client.get('/admin/support')).text)).toEqual([
      'No ticket updated; 2 skipped (1 solved, 1 closed).',
    ]);
    expect(await statusOf(ids[0])).toBe('solved');

    // Nothing ticked, or nothing to change: said, and nothing happens.
    await post(agent, { status: 'open', back }, csrfFrom(page.text));
    expect(flashMessages((await agent.client.get(`/admin/support?${back}`)).text)).toEqual([
      'Tick the tickets to update first.',
    ]);
    await post(agent, { ids: [untouched], back }, csrfFrom(page.text));
    expect(flashMessages((await agent.client.get(`/admin/support?${back}`)).text)).toEqual([
      'Choose what to change: an assignee, a status, an impact or a note.',
    ]);
    expect(await statusOf(untouched)).toBe('new');
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { createLicense, createOrganization } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { JobsService } from '../../src/platform/jobs/jobs.service';
import { MailService } from '../../src/platform/mail/mail.service';
import { mailFiles } from '../utils/mail';
import { fieldError, fieldValue, pageLink, pageText, textOf, textsOf } from '../utils/html';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const DAY = 86_400;
const ID = /^\/support\/([0-9a-f-]{36})$/;

// Support tickets (issue 13, first increment): customers open and follow
// tickets; the helpdesk works the queue; internal notes never reach the
// customer; the auto-close and pending-reminder jobs.
describe('support tickets (/support, /admin/support)', () => {
  let t: TestApp;
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const runJob = (name: string) => t.app.get(JobsService).runNow(name, 'schedule');
  /** What `to` received (as a mail client reads it), optionally only subjects matching `subject`. */
  const mailsTo = async (to: string, subject?: RegExp) => {
    await t.app.get(MailService).whenIdle();
    return (await mailFiles(t.dataDir)).filter((m) => m.to.includes(to) && (!subject || subject.test(m.subject)));
  };
  const statusOf = async (id: string) =>
    (await sql<{ s: string }>('select status as s from tickets where id = ?', id))[0].s;
  type Who = Awaited<ReturnType<typeof signedIn>>;
  const open = async (who: Who, fields: Record<string, string> = {}) => {
    const res = await who.client.submit(
      '/support/new',
      { subject: 'Cannot sign in', description: 'It says my password is wrong.', category: 'sign-in', ...fields },
      '/support/new',
    );
    expect(res.status).toBe(303);
    return ID.exec(String(res.headers.location))![1];
  };
  const agentPost = (agent: Who, id: string, action: string, fields: Record<string, string>) =>
    agent.client.submit(`/admin/support/${id}`, fields, `/admin/support/${id}/${action}`);

  beforeAll(async () => {
    // Sessions outlast the weeks the clock moves through here.
    t = await createTestApp({ SESSION_IDLE_SECONDS: '31536000', SESSION_MAX_SECONDS: '31536000' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('follows a ticket through its lifecycle: reply, pending, customer reply, solved, auto-close, reopen', async () => {
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    const id = await open(member, { urgency: 'high' });
    expect(await statusOf(id)).toBe('new');
    const created = await sql<{ action: string }>(
      "select action from audit_entries where action = 'ticket.created' and target_id = ?",
      id,
    );
    expect(created).toHaveLength(1);

    // The agent takes it and answers: open, and the customer gets the reply by mail.
    expect((await agentPost(agent, id, 'assign', { assigneeId: agent.person.id })).status).toBe(303);
    const replied = await agentPost(agent, id, 'reply', { kind: 'reply', body: 'Please try resetting it.' });
    expect(replied.status).toBe(303);
    expect(await statusOf(id)).toBe('open');
    const [reply] = await mailsTo(member.email, /^Re: /);
    expect(reply.text).toContain('Please try resetting it.');
    expect(reply.text).toContain(`/support/${id}`);

    // Waiting on the customer, who answers: open again, and the assignee hears of it.
    await agentPost(agent, id, 'status', { status: 'pending' });
    expect(await statusOf(id)).toBe('pending');
    const page = await member.client.get(`/support/${id}`);
    expect(textOf(page.text, '[data-state]')).toBe('Waiting for your reply');
    const answered = await member.client.submit(`/support/${id}`, { body: 'Still no luck.' }, `/support/${id}/reply`);
    expect(answered.status).toBe(303);
    expect(await statusOf(id)).toBe('open');
    expect((await mailsTo(agent.email, /^Customer replied/))[0].text).toContain('Still no luck.');

    // Solved: the customer is told; a week later the job closes it.
    await agentPost(agent, id, 'status', { status: 'solved' });
    expect((await mailsTo(member.email, /^(Solved|Closed): /)).map((m) => m.subject)).toEqual([
      'Solved: Cannot sign in',
    ]);
    t.clock.advance(6 * DAY);
    await runJob('support.auto-close');
    expect(await statusOf(id)).toBe('solved');
    t.clock.advance(DAY + 60);
    await runJob('support.auto-close');
    expect(await statusOf(id)).toBe('closed');
    expect((await mailsTo(member.email, /^(Solved|Closed): /)).map((m) => m.subject)).toEqual([
      'Solved: Cannot sign in',
      'Closed: Cannot sign in',
    ]);

    // Within 14 days of being solved it can be reopened.
    const reopened = await member.client.submit(`/support/${id}`, {}, `/support/${id}/reopen`);
    expect(reopened.status).toBe(303);
    expect(await statusOf(id)).toBe('open');

    // Solved again, and more than 14 days later: refused, with a way forward.
    await agentPost(agent, id, 'status', { status: 'solved' });
    t.clock.advance(15 * DAY);
    const late = await member.client.submit(`/support/${id}`, {}, `/support/${id}/reopen`);
    expect(late.status).toBe(409);
    expect(pageText(late.text)).toContain('can no longer be reopened');
    expect(await statusOf(id)).toBe('solved');
    expect(textOf((await member.client.get(`/support/${id}`)).text, '[data-reopen-expired]')).toContain(
      'Open a new ticket',
    );
    const actions = await sql<{ action: string }>(
      'select distinct action from audit_entries where target_id = ? order by action',
      id,
    );
    expect(actions.map((a) => a.action)).toEqual([
      'ticket.assigned',
      'ticket.closed',
      'ticket.created',
      'ticket.reopened',
      'ticket.replied',
      'ticket.status_changed',
    ]);
  });

  it('never shows an internal note to the customer: not on their pages, lists or mail', async () => {
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const admin = await signedIn(t, 'admin', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    const NOTE = 'NOTE-7731: customer sounds annoyed, check their lockout history';
    const id = await open(member, { subject: 'Locked out again' });
    await agentPost(agent, id, 'assign', { assigneeId: agent.person.id });
    expect((await agentPost(agent, id, 'reply', { kind: 'note', body: NOTE })).status).toBe(303);
    await agentPost(agent, id, 'reply', { kind: 'reply', body: 'We are looking into it.' });
    await agentPost(agent, id, 'status', { status: 'pending' });
    await member.client.submit(`/support/${id}`, { body: 'Thanks.' }, `/support/${id}/reply`);
    await agentPost(agent, id, 'status', { status: 'solved' });

    // The agent sees it, labelled and set apart.
    const agentPage = await agent.client.get(`/admin/support/${id}`);
    expect(agentPage.text).toContain(NOTE);
    expect(textsOf(agentPage.text, '[data-internal] [data-internal-label]')).toEqual(['Internal note']);

    // The customer's pages and lists, as member and as admin.
    for (const who of [member, admin]) {
      for (const path of [`/support/${id}`, '/support']) {
        const res = await who.client.get(path);
        expect(res.status).toBe(200);
        expect(res.text).not.toContain('NOTE-7731');
        expect(res.text).not.toContain('Internal note');
      }
    }
    expect(textsOf((await member.client.get(`/support/${id}`)).text, '[data-message]').length).toBe(3);
    // Not even its existence on the organization's audit pages.
    const orgAudit = await admin.client.get('/org/audit');
    expect(orgAudit.status).toBe(200);
    expect(orgAudit.text).toContain('Support ticket opened');
    expect(orgAudit.text).not.toContain('Internal note');

    // Every mail of the whole conversation, to anyone, as a mail client reads it.
    const all = await mailsTo(member.email);
    expect(all.map((m) => m.subject)).toEqual(['Re: Locked out again', 'Solved: Locked out again']);
    for (const mail of [...all, ...(await mailsTo(agent.email))]) {
      expect(mail.text).not.toContain('NOTE-7731');
      expect(mail.html).not.toContain('NOTE-7731');
    }
    // The assignee's mail of the customer's reply is there, without the note.
    expect((await mailsTo(agent.email, /^Customer replied/)).length).toBe(1);
  });

  it('members see their own tickets, admins their organization’s, staff the queue; others 404 or 403', async () => {
    const org = await createOrganization(t.app);
    const other = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const colleague = await signedIn(t, 'member', { organization: org });
    const admin = await signedIn(t, 'admin', { organization: org });
    const stranger = await signedIn(t, 'admin', { organization: other });
    const mine = await open(member, { subject: 'Member ticket' });
    const theirs = await open(colleague, { subject: 'Colleague ticket' });

    expect(textsOf((await member.client.get('/support')).text, '[data-ticket] td > a')).toEqual(['Member ticket']);
    expect((await member.client.get(`/support/${theirs}`)).status).toBe(404);
    expect((await member.client.submit('/support', { body: 'x' }, `/support/${theirs}/reply`)).status).toBe(404);
    expect(textsOf((await admin.client.get('/support')).text, '[data-ticket] td > a').sort()).toEqual([
      'Colleague ticket',
      'Member ticket',
    ]);
    expect((await admin.client.get(`/support/${theirs}`)).status).toBe(200);
    expect((await stranger.client.get(`/support/${mine}`)).status).toBe(404);
    expect((await stranger.client.submit('/support', {}, `/support/${mine}/close`)).status).toBe(404);
    expect(textsOf((await stranger.client.get('/support')).text, '[data-ticket]')).toEqual([]);

    for (const who of [member, admin]) {
      expect((await who.client.get('/admin/support')).status).toBe(403);
      expect((await who.client.get(`/admin/support/${mine}`)).status).toBe(403);
    }
    for (const role of ['helpdesk', 'operator'] as const) {
      const staff = await signedIn(t, role);
      const queue = await staff.client.get('/admin/support');
      expect(queue.status).toBe(200);
      expect(textsOf(queue.text, '[data-ticket] td > a')).toEqual(
        expect.arrayContaining(['Member ticket', 'Colleague ticket']),
      );
      expect((await staff.client.get(`/admin/support/${mine}`)).status).toBe(200);
      expect((await staff.client.get('/support')).status).toBe(403);
    }
    // The navigation names each side's page.
    expect(textsOf((await member.client.get('/dashboard')).text, 'nav a')).toContain('Support');
    expect(textsOf((await (await signedIn(t, 'helpdesk')).client.get('/dashboard')).text, 'nav a')).toContain(
      'Support queue',
    );
  });

  it('shows bad input beside the fields and refuses another organization’s device or license', async () => {
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const refused = await member.client.submit('/support/new', { subject: '', description: ' ', category: 'cooking' });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.text, 'subject')).toBe('Enter a subject.');
    expect(fieldError(refused.text, 'description')).toBe('Describe the problem.');
    expect(fieldError(refused.text, 'category')).toBe('Choose what the problem is about.');

    const { license } = await createLicense(t.app, { organization: await createOrganization(t.app) });
    const foreign = await member.client.submit('/support/new', {
      subject: 'Key',
      description: 'Help',
      category: 'licenses',
      affected: `license:${license.id}`,
    });
    expect(foreign.status).toBe(400);
    expect(fieldError(foreign.text, 'affected')).toBe('Choose one of your organization’s licenses.');
    expect(fieldValue(foreign.text, 'subject')).toBe('Key');

    const own = await createLicense(t.app, { organization: org });
    const id = await open(member, { category: 'licenses', affected: `license:${own.license.id}` });
    const agent = await signedIn(t, 'helpdesk');
    expect(textOf((await agent.client.get(`/admin/support/${id}`)).text, '[data-ticket-facts]')).toContain(
      own.license.product.name,
    );
    const empty = await agentPost(agent, id, 'reply', { kind: 'reply', body: '' });
    expect(empty.status).toBe(400);
    expect(fieldError(empty.text, 'body')).toBe('Write your reply.');
  });

  it('filters the queue and computes priority from urgency and impact', async () => {
    const a = await createOrganization(t.app, 'Queue A');
    const b = await createOrganization(t.app, 'Queue B');
    const inA = await signedIn(t, 'member', { organization: a });
    const inB = await signedIn(t, 'member', { organization: b });
    const agent = await signedIn(t, 'helpdesk');
    // Each step a second apart: the queue lists the newest activity first.
    const billing = await open(inA, { subject: 'Q billing', category: 'billing', urgency: 'high' });
    t.clock.advance(1);
    const devices = await open(inB, { subject: 'Q devices', category: 'devices', urgency: 'low' });
    t.clock.advance(1);
    await open(inB, { subject: 'Q other', category: 'other' });
    t.clock.advance(1);
    await agentPost(agent, billing, 'assign', { assigneeId: agent.person.id });
    t.clock.advance(1);
    await agentPost(agent, devices, 'status', { status: 'pending' });
    expect((await agentPost(agent, billing, 'impact', { impact: 'high' })).status).toBe(303);

    const subjects = async (query: string) =>
      textsOf((await agent.client.get(`/admin/support?${query}`)).text, '[data-ticket] td > a').filter((s) =>
        s.startsWith('Q '),
      );
    expect(await subjects('')).toEqual(['Q devices', 'Q billing', 'Q other']);
    expect(await subjects('status=pending')).toEqual(['Q devices']);
    expect(await subjects('category=billing')).toEqual(['Q billing']);
    expect(await subjects(`organization=${b.id}`)).toEqual(['Q devices', 'Q other']);
    expect(await subjects('assignee=mine')).toEqual(['Q billing']);
    expect(await subjects('assignee=unassigned')).toEqual(['Q devices', 'Q other']);
    expect(await subjects('priority=P1')).toEqual(['Q billing']);
    expect(await subjects('priority=P4')).toEqual(['Q devices']);
    expect(textOf((await agent.client.get(`/admin/support/${billing}`)).text, '[data-priority]')).toContain('P1');
  });

  it('pages the queue and the customer list by newest activity, 25 a page', async () => {
    const org = await createOrganization(t.app, 'Paged');
    const admin = await signedIn(t, 'admin', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    for (let i = 1; i <= 27; i++) {
      t.clock.advance(1);
      await open(admin, { subject: `Paged ${String(i).padStart(2, '0')}` });
    }
    const expected = Array.from({ length: 27 }, (_, i) => `Paged ${String(27 - i).padStart(2, '0')}`);
    for (const [who, base] of [
      [agent, `/admin/support?organization=${org.id}`],
      [admin, '/support'],
    ] as const) {
      const first = await who.client.get(base);
      const next = pageLink(first.text, 'next')!;
      expect(next).toBeDefined();
      const second = await who.client.get(next);
      const seen = [...textsOf(first.text, '[data-ticket] td > a'), ...textsOf(second.text, '[data-ticket] td > a')];
      expect(seen).toEqual(expected);
      expect(pageLink(second.text, 'next')).toBeUndefined();
      const back = await who.client.get(pageLink(second.text, 'prev')!);
      expect(textsOf(back.text, '[data-ticket] td > a')).toEqual(expected.slice(0, 25));
    }
  });

  it('reminds the customer once per pending period after 3 days', async () => {
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    const id = await open(member, { subject: 'Printer agent' });
    await agentPost(agent, id, 'reply', { kind: 'reply', body: 'Which version?' });
    await agentPost(agent, id, 'status', { status: 'pending' });
    const reminders = async () => (await mailsTo(member.email, /^Waiting for your reply/)).length;

    t.clock.advance(2 * DAY);
    await runJob('support.pending-reminder');
    expect(await reminders()).toBe(0);
    t.clock.advance(DAY + 60);
    await runJob('support.pending-reminder');
    await runJob('support.pending-reminder');
    t.clock.advance(5 * DAY);
    await runJob('support.pending-reminder');
    expect(await reminders()).toBe(1);

    // A new pending period earns a new nudge.
    await member.client.submit(`/support/${id}`, { body: 'Version 8.' }, `/support/${id}/reply`);
    await agentPost(agent, id, 'status', { status: 'pending' });
    t.clock.advance(3 * DAY + 60);
    await runJob('support.pending-reminder');
    await runJob('support.pending-reminder');
    expect(await reminders()).toBe(2);
  });
});

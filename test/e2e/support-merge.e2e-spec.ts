import { EntityManager } from '@mikro-orm/better-sqlite';
import { createOrganization } from '../../seeds/factories';
import { InputRefused } from '../../src/common/errors/app-error';
import type { Principal } from '../../src/common/http/principal';
import { TicketMerge } from '../../src/modules/support/ticket-merge';
import { withContext } from '../../src/platform/database/request-context';
import { MailService } from '../../src/platform/mail/mail.service';
import { all, attrOf, attrsOf, fieldError, textOf, textsOf } from '../utils/html';
import { asBytes, csrfFrom, type Client } from '../utils/http';
import { mailFiles } from '../utils/mail';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const ID = /^\/support\/([0-9a-f-]{36})$/;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('a screenshot of the duplicate'),
]);

// Merging duplicate tickets (issue 13, third increment): "Merge into…" on the
// agent's ticket page moves the duplicate's conversation to the target, closes
// the duplicate with a banner linking the target, mails its requester once
// and audits `ticket.merged`; refusals come back beside the field.
describe('merging duplicate tickets (/admin/support/:id/merge)', () => {
  let t: TestApp;
  type Who = Awaited<ReturnType<typeof signedIn>>;
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const mailsTo = async (to: string, subject?: RegExp) => {
    await t.app.get(MailService).whenIdle();
    return (await mailFiles(t.dataDir)).filter((m) => m.to.includes(to) && (!subject || subject.test(m.subject)));
  };
  const open = async (who: Who, subject: string, description: string, png?: Buffer) => {
    const form = await who.client.get('/support/new');
    let req = who.client.agent
      .post('/support/new')
      .field('_csrf', csrfFrom(form.text))
      .field('subject', subject)
      .field('description', description)
      .field('category', 'sign-in');
    if (png) req = req.attach('attachments', png, { filename: 'screen.png', contentType: 'image/png' });
    const res = await req.redirects(0);
    expect(res.status).toBe(303);
    return ID.exec(String(res.headers.location))![1];
  };
  const agentPost = (agent: Who, id: string, action: string, fields: Record<string, string>) =>
    agent.client.submit(`/admin/support/${id}`, fields, `/admin/support/${id}/${action}`);
  const merge = (agent: Who, id: string, into: string) => agentPost(agent, id, 'merge', { into });
  /** The reference the agent reads on a ticket's page. */
  const refOf = async (agent: Who, id: string) =>
    textOf((await agent.client.get(`/admin/support/${id}`)).text, '[data-ref]')!;
  const download = (client: Client, href: string) => client.agent.get(href).buffer(true).parse(asBytes).redirects(0);

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('moves the duplicate’s messages and files to the target, closes it with a banner, mails and audits', async () => {
    const org = await createOrganization(t.app);
    const alice = await signedIn(t, 'member', { organization: org });
    const bob = await signedIn(t, 'member', { organization: org });
    const carol = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    const target = await open(alice, 'VPN login fails', 'Since this morning the VPN refuses me.');
    const source = await open(bob, 'Cannot connect to VPN', 'Same here: VPN refuses the login.', PNG);
    await agentPost(agent, source, 'reply', { body: 'NOTE-4410: same outage as the other one.', kind: 'note' });
    await agentPost(agent, target, 'reply', { body: 'We are looking into it.', kind: 'reply' });
    const before = (await mailsTo(bob.email)).length;

    const ref = await refOf(agent, target);
    expect(ref).toMatch(/^#[0-9a-f]{8}$/);
    expect(target.startsWith(ref.slice(1))).toBe(true);
    const res = await merge(agent, source, ref);
    expect(fieldError(res.text, 'into')).toBeUndefined();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/support/${target}`);

    // The target holds both conversations in time order (the note too), and says what was merged.
    const page = await agent.client.get(`/admin/support/${target}`);
    const messages = textsOf(page.text, '[data-message] .app-message-body');
    expect(messages).toEqual([
      'Since this morning the VPN refuses me.',
      'Same here: VPN refuses the login.',
      'NOTE-4410: same outage as the other one.',
      'We are looking into it.',
      expect.stringContaining(`Ticket #${source.slice(0, 8)} (“Cannot connect to VPN”) was merged into this one.`),
    ]);
    // The file moved with its message and downloads from the target, for the agent and for its sender.
    const links = attrsOf(page.text, 'a[data-attachment]', 'href');
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(new RegExp(`^/admin/support/${target}/attachments/[0-9a-f-]{36}$`));
    const file = await download(agent.client, links[0]);
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);

    // The duplicate: closed, merged, with the banner; not open work on the queue.
    const sourcePage = await agent.client.get(`/admin/support/${source}`);
    expect(sourcePage.text).toContain('data-state="closed"');
    expect(attrOf(sourcePage.text, '[data-merged] a', 'href')).toBe(`/admin/support/${target}`);
    expect(textsOf(sourcePage.text, '[data-message] .app-message-body')).toEqual([
      expect.stringContaining(`Merged into ${ref}`),
    ]);
    expect(all(sourcePage.text, 'form[data-merge]')).toHaveLength(0);
    const queue = await agent.client.get('/admin/support?status=open');
    expect(textsOf(queue.text, 'tr[data-ticket] td:first-child')).not.toContain('Cannot connect to VPN');
    expect(textOf((await agent.client.get('/admin/support')).text, `tr[data-ticket="${source}"] [data-state]`)).toBe(
      'Merged',
    );

    // Bob opens his ticket: the banner links the target, which he may now follow (reply, file), notes never shown.
    const bobsPage = await bob.client.get(`/support/${source}`);
    expect(bobsPage.status).toBe(200);
    expect(attrOf(bobsPage.text, '[data-merged] a', 'href')).toBe(`/support/${target}`);
    expect(textOf(bobsPage.text, '[data-merged]')).toContain(ref);
    expect(bobsPage.text).not.toContain('data-reopen');
    const followed = await bob.client.get(`/support/${target}`);
    expect(followed.status).toBe(200);
    expect(followed.text).toContain('Same here: VPN refuses the login.');
    expect(followed.text).not.toContain('NOTE-4410');
    const bobsLinks = attrsOf(followed.text, 'a[data-attachment]', 'href');
    expect(bobsLinks).toEqual([links[0].replace('/admin/support/', '/support/')]);
    expect((await download(bob.client, bobsLinks[0])).status).toBe(200);
    const reply = await bob.client.submit(
      `/support/${target}`,
      { body: 'Still down for me.' },
      `/support/${target}/reply`,
    );
    expect(reply.status).toBe(303);

    // A colleague with no ticket in it still cannot open it.
    expect((await carol.client.get(`/support/${target}`)).status).toBe(404);

    // One mail to Bob, linking the target; none of the note.
    const mails = (await mailsTo(bob.email)).slice(before);
    expect(mails.map((m) => m.subject)).toEqual(['Merged: Cannot connect to VPN']);
    expect(mails[0].text).toContain(`/support/${target}`);
    expect(mails[0].text).not.toContain('NOTE-4410');

    // Audited once, on the target, naming both tickets and the organization.
    const audit = await sql<{ details: string; organization_id: string }>(
      "select details, organization_id from audit_entries where action = 'ticket.merged' and target_id = ?",
      target,
    );
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].details)).toMatchObject({ source, target });
    expect(audit[0].organization_id).toBe(org.id);

    // Merged once: never again.
    const again = await merge(agent, source, ref);
    expect(again.status).toBe(400);
    expect(fieldError(again.text, 'into')).toBe(`This ticket was merged into ${ref} already.`);
  });

  it('refuses beside the field: another organization, itself, a closed or merged target, a bad reference', async () => {
    const org = await createOrganization(t.app);
    const other = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const stranger = await signedIn(t, 'member', { organization: other });
    const agent = await signedIn(t, 'helpdesk');
    const a = await open(member, 'Printer offline', 'It says offline.');
    const b = await open(member, 'Printer offline again', 'Still offline.');
    const c = await open(member, 'Printer jammed', 'Paper jam.');
    const d = await open(member, 'Old printer issue', 'Solved long ago.');
    const theirs = await open(stranger, 'Their printer', 'Not yours.');
    await agentPost(agent, d, 'status', { status: 'closed' });
    expect((await merge(agent, c, `#${a.slice(0, 8)}`)).status).toBe(303);

    const refusals: [string, RegExp][] = [
      [theirs, /another organization’s: merge only tickets of the same organization/],
      [`#${theirs.slice(0, 8)}`, /another organization’s/],
      [`http://127.0.0.1/admin/support/${theirs}`, /another organization’s/],
      [b, /cannot be merged into itself/],
      [`#${d.slice(0, 8)}`, /is closed: merge into a ticket still open/],
      [`#${c.slice(0, 8)}`, new RegExp(`was merged into #${a.slice(0, 8)}: merge into that one`)],
      ['the printer one', /Enter the ticket’s reference/],
      ['#00000000', /There is no ticket #00000000/],
      ['', /Enter the reference of the ticket to merge into/],
    ];
    for (const [into, message] of refusals) {
      const res = await merge(agent, b, into);
      expect(res.status).toBe(400);
      expect(fieldError(res.text, 'into')).toMatch(message);
      // The page around the refused form is the ticket's, the input kept.
      expect(res.text).toContain('Printer offline again');
    }
    expect(await sql('select 1 from tickets where merged_into is not null and id in (?, ?)', b, theirs)).toEqual([]);
    expect(textsOf((await agent.client.get(`/admin/support/${b}`)).text, '[data-message]')).toHaveLength(1);
  });

  it('keeps every message when two agents merge crossing tickets at once', async () => {
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const one = await signedIn(t, 'helpdesk');
    const two = await signedIn(t, 'helpdesk');
    const a = await open(member, 'Crossing A', 'Message of A.');
    const b = await open(member, 'Crossing B', 'Message of B.');
    // Both agents read both tickets live before either writes: only the conditional statement can tell them apart.
    const as = (who: Who) =>
      ({ personId: who.person.id, name: who.person.name, role: 'helpdesk', orgId: null }) as unknown as Principal;
    const merging = (who: Who, from: string, into: string) =>
      withContext(t.app, () => t.app.get(TicketMerge).merge(as(who), from, into)).then(
        () => 'merged',
        (err: unknown) => (err instanceof InputRefused ? 'refused' : err),
      );
    const outcomes = await Promise.all([merging(one, a, b), merging(two, b, a)]);
    expect([...outcomes].sort()).toEqual(['merged', 'refused']);
    const kept = outcomes[0] === 'merged' ? b : a;
    const page = await one.client.get(`/admin/support/${kept}`);
    const bodies = textsOf(page.text, '[data-message] .app-message-body');
    expect(bodies).toEqual(expect.arrayContaining(['Message of A.', 'Message of B.']));
    const rows = await sql<{ id: string; mergedInto: string | null; status: string }>(
      'select id, merged_into as mergedInto, status from tickets where id in (?, ?)',
      a,
      b,
    );
    expect(rows.filter((r) => r.mergedInto !== null)).toHaveLength(1);
    expect(rows.find((r) => r.id === kept)).toMatchObject({ mergedInto: null, status: 'new' });
    // The refused one added nothing: one "was merged into this one" message, on the kept ticket.
    expect(bodies.filter((m) => m.includes('was merged into this one'))).toHaveLength(1);
  });
});

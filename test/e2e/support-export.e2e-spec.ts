import { parse } from 'csv-parse/sync';
import { createOrganization } from '../../seeds/factories';
import { MailService } from '../../src/platform/mail/mail.service';
import { csrfFrom } from '../utils/http';
import { linkTo, mailFiles } from '../utils/mail';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const ID = /^\/support\/([0-9a-f-]{36})$/;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('pixels of a screenshot'),
]);

// What customers take away (issue 13): their tickets as CSV, a ticket's
// conversation as text, and mail; scoped like the pages, internal notes
// never in them, mail with their anti-phishing phrase.
describe('what customers take away: exports and mail', () => {
  let t: TestApp;
  type Who = Awaited<ReturnType<typeof signedIn>>;
  const open = async (who: Who, subject: string) => {
    const res = await who.client.submit(
      '/support/new',
      { subject, description: 'It says my password is wrong.', category: 'sign-in' },
      '/support/new',
    );
    expect(res.status).toBe(303);
    return ID.exec(String(res.headers.location))![1];
  };
  /** The agent's reply or internal note, with a file, as the ticket page's form sends it. */
  const agentPost = async (agent: Who, id: string, kind: 'reply' | 'note', body: string, file?: string) => {
    const page = await agent.client.get(`/admin/support/${id}`);
    let req = agent.client.agent
      .post(`/admin/support/${id}/reply`)
      .field('_csrf', csrfFrom(page.text))
      .field('body', body);
    if (file) req = req.attach('attachments', PNG, { filename: file, contentType: 'image/png' });
    const res = await req.field('kind', kind).redirects(0);
    expect(res.status).toBe(303);
  };

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('downloads the conversation as text with replies and their files, never a note or its file', async () => {
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    const id = await open(member, 'Locked out after the update');
    await agentPost(agent, id, 'note', 'NOTE-5521: their lockout history looks odd', 'internal-trace.png');
    await agentPost(agent, id, 'reply', 'We unlocked your account.\n\nTry again now.', 'unlock-steps.png');

    const page = await member.client.get(`/support/${id}`);
    expect(page.text).toContain(`href="/support/${id}/conversation.txt"`);
    const res = await member.client.get(`/support/${id}/conversation.txt`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="ticket-${id.slice(0, 8)}.txt"`);
    const text = res.text;
    expect(text.split('\n')[0]).toBe('Locked out after the update');
    expect(text).toContain(`Opened by ${member.person.name}`);
    expect(text).toContain('It says my password is wrong.');
    expect(text).toMatch(
      /--- .+ \(Support\), \d{4}-\d\d-\d\d \d\d:\d\d UTC\n\nWe unlocked your account\.\n\nTry again now\./,
    );
    expect(text).toContain('Attached: unlock-steps.png');
    expect(text).not.toContain('NOTE-5521');
    expect(text).not.toContain('internal-trace.png');
    // The description comes before the reply, as on the page.
    expect(text.indexOf('It says my password')).toBeLessThan(text.indexOf('We unlocked'));
  });

  it('scopes both downloads like the pages: own tickets, the organization’s for admins, 404 for others', async () => {
    const org = await createOrganization(t.app);
    const other = await createOrganization(t.app);
    const alice = await signedIn(t, 'member', { organization: org });
    const bob = await signedIn(t, 'member', { organization: org });
    const admin = await signedIn(t, 'admin', { organization: org });
    const stranger = await signedIn(t, 'admin', { organization: other });
    const mine = await open(alice, '=HYPERLINK("http://evil.example") broke my sign-in');
    await open(bob, 'Bob cannot install');
    await open(stranger, 'Another organization’s problem');

    const rows = (who: Who) =>
      who.client.get('/support/tickets.csv').then((res) => {
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
        return parse(res.text, { columns: true }) as Record<string, string>[];
      });
    const aliceRows = await rows(alice);
    expect(aliceRows.map((r) => r.subject)).toEqual(['\'=HYPERLINK("http://evil.example") broke my sign-in']);
    expect(aliceRows[0]).toMatchObject({
      ticket: mine,
      category: 'Signing in',
      status: 'New',
      requester: alice.person.name,
    });
    expect(Object.keys(aliceRows[0])).toEqual([
      'ticket',
      'subject',
      'category',
      'status',
      'requester',
      'opened',
      'last activity',
      'resolved',
    ]);
    expect((await rows(admin)).map((r) => r.requester).sort()).toEqual([alice.person.name, bob.person.name].sort());
    expect((await rows(stranger)).map((r) => r.subject)).toEqual(['Another organization’s problem']);

    // Another member's ticket, another organization's, and staff (who have the queue) cannot download it here.
    expect((await bob.client.get(`/support/${mine}/conversation.txt`)).status).toBe(404);
    expect((await stranger.client.get(`/support/${mine}/conversation.txt`)).status).toBe(404);
    expect((await admin.client.get(`/support/${mine}/conversation.txt`)).status).toBe(200);
    const agent = await signedIn(t, 'helpdesk');
    expect((await agent.client.get(`/support/${mine}/conversation.txt`)).status).toBe(403);
    expect((await agent.client.get('/support/tickets.csv')).status).toBe(403);
  });

  it('mails replies and status changes with the customer’s security phrase and a link to the ticket', async () => {
    const member = await signedIn(t, 'member');
    expect((await member.client.submit('/account', { phrase: 'copper lantern' }, '/account/phrase')).status).toBe(303);
    const agent = await signedIn(t, 'helpdesk');
    const id = await open(member, 'Two-factor codes rejected');
    await agentPost(agent, id, 'note', 'NOTE-8812 internal');
    await agentPost(agent, id, 'reply', 'Check the phone’s clock.');
    expect(
      (await agent.client.submit(`/admin/support/${id}`, { status: 'solved' }, `/admin/support/${id}/status`)).status,
    ).toBe(303);

    await t.app.get(MailService).whenIdle();
    const mails = (await mailFiles(t.dataDir)).filter((m) => m.to.includes(member.email));
    expect(mails.map((m) => m.subject)).toEqual(['Re: Two-factor codes rejected', 'Solved: Two-factor codes rejected']);
    for (const mail of mails) {
      expect(mail.text.startsWith('Your security phrase: copper lantern\n')).toBe(true);
      expect(mail.html).toContain('Your security phrase: <strong>copper lantern</strong>');
      expect(linkTo(mail, `/support/${id}`).pathname).toBe(`/support/${id}`);
      expect(mail.text).not.toContain('NOTE-8812');
    }
    expect(mails[0].text).toContain('Check the phone’s clock.');
  });
});

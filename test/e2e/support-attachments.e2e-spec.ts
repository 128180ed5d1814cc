import { EntityManager } from '@mikro-orm/better-sqlite';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createOrganization } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { attrsOf, fieldError, textsOf } from '../utils/html';
import { asBytes, csrfFrom, type Client } from '../utils/http';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const ID = /^\/support\/([0-9a-f-]{36})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('not really pixels, but a PNG by its signature'),
]);
const PDF = Buffer.from('%PDF-1.4\n% a tiny document\n');
interface File {
  name: string;
  content: Buffer;
}

// Files on tickets (issue 13): up to 5 a message, checked by extension and
// content, stored under a name of the server's; downloaded within the
// ticket's scope, an internal note's files never by the customer.
describe('ticket attachments (/support, /admin/support)', () => {
  let t: TestApp;
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const ticketFiles = () => readdirSync(join(t.dataDir, 'uploads', 'tickets'));
  const tempFiles = () => readdirSync(join(t.dataDir, 'uploads', 'tmp'));
  type Who = Awaited<ReturnType<typeof signedIn>>;

  /** Posts a form as a browser does: its fields, then the files last. */
  async function post(
    client: Client,
    page: string,
    path: string,
    fields: Record<string, string>,
    files: File[],
    after: Record<string, string> = {},
  ) {
    const form = await client.get(page);
    let req = client.agent.post(path).field('_csrf', csrfFrom(form.text));
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    for (const file of files) {
      req = req.attach('attachments', file.content, { filename: file.name, contentType: 'application/octet-stream' });
    }
    // Fields after the files, as the agent's reply-or-note button comes in its form.
    for (const [name, value] of Object.entries(after)) req = req.field(name, value);
    return req.redirects(0);
  }
  const open = (who: Who, files: File[]) =>
    post(
      who.client,
      '/support/new',
      '/support/new',
      { subject: 'Cannot sign in', description: 'See the screenshot.', category: 'sign-in' },
      files,
    );
  const openOk = async (who: Who, files: File[]) => {
    const res = await open(who, files);
    expect(fieldError(res.text, 'attachments')).toBeUndefined();
    expect(res.status).toBe(303);
    return ID.exec(String(res.headers.location))![1];
  };
  const download = (client: Client, href: string) => client.agent.get(href).buffer(true).parse(asBytes).redirects(0);
  const attachmentLinks = async (client: Client, page: string) =>
    attrsOf((await client.get(page)).text, 'a[data-attachment]', 'href');

  beforeAll(async () => {
    t = await createTestApp({ ATTACHMENT_MAX_MB: '1' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('attaches files to a new ticket: stored by a uuid name, listed on the page, downloaded byte for byte', async () => {
    const member = await signedIn(t, 'member', { organization: await createOrganization(t.app) });
    const log = Buffer.from('2026-12-05 error: wrong password ✗\n');
    const id = await openOk(member, [
      { name: 'screen.png', content: PNG },
      { name: 'client.log', content: log },
    ]);
    const page = (await member.client.get(`/support/${id}`)).text;
    expect(textsOf(page, 'a[data-attachment]')).toEqual(['screen.png', 'client.log']);

    const rows = await sql<{ id: string; name: string; size: number }>(
      'select id, name, size from ticket_attachments where ticket_id = ? order by name desc',
      id,
    );
    expect(rows.map((r) => [r.name, r.size])).toEqual([
      ['screen.png', PNG.length],
      ['client.log', log.length],
    ]);
    // On disk under the server's uuid, never the client's name.
    for (const row of rows) {
      expect(row.id).toMatch(UUID);
      expect(ticketFiles()).toContain(row.id);
    }
    expect(ticketFiles().every((name) => UUID.test(name))).toBe(true);
    expect(tempFiles()).toEqual([]);

    const links = attrsOf(page, 'a[data-attachment]', 'href');
    const png = await download(member.client, links[0]);
    expect(png.status).toBe(200);
    expect(png.body).toEqual(PNG);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-disposition']).toBe('attachment; filename="screen.png"');
    expect(png.headers['x-content-type-options']).toBe('nosniff');
    const text = await download(member.client, links[1]);
    expect(text.body).toEqual(log);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');

    // The helpdesk sees and downloads them too.
    const agent = await signedIn(t, 'helpdesk');
    const staffLinks = await attachmentLinks(agent.client, `/admin/support/${id}`);
    expect(staffLinks).toHaveLength(2);
    expect((await download(agent.client, staffLinks[0])).body).toEqual(PNG);

    // Audited with name and size, never the content.
    const audit = await sql<{ details: string }>(
      "select details from audit_entries where action = 'ticket.attachment_added' and target_id = ? order by id",
      id,
    );
    expect(audit.map((a) => JSON.parse(a.details) as unknown)).toEqual([
      { name: 'screen.png', size: PNG.length },
      { name: 'client.log', size: log.length },
    ]);
  });

  it('refuses a file whose content is not what its name says, and text that is not UTF-8', async () => {
    const member = await signedIn(t, 'member', { organization: await createOrganization(t.app) });
    const before = ticketFiles().length;
    const fake = await open(member, [{ name: 'shot.png', content: Buffer.from('<html><script>alert(1)</script>') }]);
    expect(fake.status).toBe(400);
    expect(fieldError(fake.text, 'attachments')).toBe('“shot.png” is not a PNG image, as its name says.');
    const binary = await open(member, [{ name: 'notes.txt', content: Buffer.from([0x61, 0x00, 0x62]) }]);
    expect(fieldError(binary.text, 'attachments')).toBe('“notes.txt” is not UTF-8 text, as its name says.');
    const latin1 = await open(member, [{ name: 'notes.txt', content: Buffer.from([0x63, 0x61, 0x66, 0xe9]) }]);
    expect(fieldError(latin1.text, 'attachments')).toBe('“notes.txt” is not UTF-8 text, as its name says.');
    const html = await open(member, [{ name: 'page.html', content: Buffer.from('<html>') }]);
    expect(fieldError(html.text, 'attachments')).toBe(
      '“page.html” cannot be attached: attach PNG, JPG, GIF, PDF, TXT, LOG or ZIP files.',
    );
    // The form comes back with what was typed; no ticket, no file kept.
    expect(html.text).toContain('See the screenshot.');
    const mine = await sql('select id from tickets where requester_id = ?', member.person.id);
    expect(mine).toHaveLength(0);
    expect(ticketFiles()).toHaveLength(before);
    expect(tempFiles()).toEqual([]);
  });

  it('refuses a file over ATTACHMENT_MAX_MB and more than 5 files', async () => {
    const member = await signedIn(t, 'member', { organization: await createOrganization(t.app) });
    const before = ticketFiles().length;
    const big = Buffer.alloc(1_000_001, 0x61);
    const tooLarge = await open(member, [{ name: 'big.txt', content: big }]);
    expect(tooLarge.status).toBe(400);
    expect(fieldError(tooLarge.text, 'attachments')).toBe('A file is too large: attach files of at most 1 MB.');
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `page${i}.pdf`, content: PDF }));
    const tooMany = await open(member, six);
    expect(tooMany.status).toBe(400);
    expect(fieldError(tooMany.text, 'attachments')).toBe('Attach at most 5 files.');
    expect(await sql('select id from tickets where requester_id = ?', member.person.id)).toHaveLength(0);
    expect(ticketFiles()).toHaveLength(before);
    expect(tempFiles()).toEqual([]);
    // Exactly the limit is fine.
    const id = await openOk(member, [...six.slice(0, 4), { name: 'fits.txt', content: Buffer.alloc(1_000_000, 0x61) }]);
    expect(await attachmentLinks(member.client, `/support/${id}`)).toHaveLength(5);
  });

  it('keeps a path in the client’s name only as harmless display text', async () => {
    const member = await signedIn(t, 'member', { organization: await createOrganization(t.app) });
    const id = await openOk(member, [
      { name: '../../etc/passwd.txt', content: Buffer.from('one') },
      { name: '..\\..\\x.txt', content: Buffer.from('two') },
      // A browser escapes a line break in a name as %0A / %0D.
      { name: 'bad%0Ana%0Dme.txt', content: Buffer.from('three') },
    ]);
    const page = (await member.client.get(`/support/${id}`)).text;
    const names = textsOf(page, 'a[data-attachment]');
    expect(names).toEqual(['passwd.txt', 'x.txt', 'badname.txt']);
    const rows = await sql<{ id: string }>('select id from ticket_attachments where ticket_id = ?', id);
    for (const row of rows) expect(ticketFiles()).toContain(row.id);
    expect(ticketFiles().every((name) => UUID.test(name))).toBe(true);
    // Nothing was written outside the tickets' folder.
    expect(existsSync(join(t.dataDir, 'etc'))).toBe(false);
    expect(existsSync(join(t.dataDir, 'uploads', 'etc'))).toBe(false);
    const links = attrsOf(page, 'a[data-attachment]', 'href');
    expect((await download(member.client, links[0])).body).toEqual(Buffer.from('one'));
    // A raw control character (NUL) in the name: the form is refused, nothing is kept.
    const before = ticketFiles().length;
    const nul = await open(member, [{ name: 'evil\u0000.txt', content: Buffer.from('x') }]);
    expect(nul.status).toBe(400);
    expect(ticketFiles()).toHaveLength(before);
    expect(tempFiles()).toEqual([]);
    // A name that is nothing but a path, without an allowed extension, is refused.
    const refused = await open(member, [{ name: '../../etc/passwd', content: Buffer.from('x') }]);
    expect(refused.status).toBe(400);
  });

  it('keeps attachments within the ticket’s scope: another organization’s or colleague’s are 404', async () => {
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const id = await openOk(member, [{ name: 'doc.pdf', content: PDF }]);
    const [href] = await attachmentLinks(member.client, `/support/${id}`);
    const attachmentId = href.split('/').pop()!;

    const stranger = await signedIn(t, 'admin', { organization: await createOrganization(t.app) });
    expect((await download(stranger.client, href)).status).toBe(404);
    // Even through a ticket of the stranger's own.
    const own = await openOk(stranger, []);
    expect((await download(stranger.client, `/support/${own}/attachments/${attachmentId}`)).status).toBe(404);
    const colleague = await signedIn(t, 'member', { organization: org });
    expect((await download(colleague.client, href)).status).toBe(404);
    // The organization's admin sees every ticket of it.
    const admin = await signedIn(t, 'admin', { organization: org });
    expect((await download(admin.client, href)).body).toEqual(PDF);
  });

  it('attaches files to replies; an internal note’s file is never the customer’s to download', async () => {
    const member = await signedIn(t, 'member', { organization: await createOrganization(t.app) });
    const agent = await signedIn(t, 'helpdesk');
    const id = await openOk(member, []);

    const note = await post(
      agent.client,
      `/admin/support/${id}`,
      `/admin/support/${id}/reply`,
      { kind: 'note', body: 'Their log shows the lockout.' },
      [{ name: 'internal.txt', content: Buffer.from('secret notes') }],
    );
    expect(note.status).toBe(303);
    const reply = await post(
      agent.client,
      `/admin/support/${id}`,
      `/admin/support/${id}/reply`,
      { kind: 'reply', body: 'Here is the guide.' },
      [{ name: 'guide.pdf', content: PDF }],
    );
    expect(reply.status).toBe(303);
    const answer = await post(member.client, `/support/${id}`, `/support/${id}/reply`, { body: 'Thanks, here.' }, [
      { name: 'after.png', content: PNG },
    ]);
    expect(answer.status).toBe(303);

    const staffPage = (await agent.client.get(`/admin/support/${id}`)).text;
    expect(textsOf(staffPage, 'a[data-attachment]')).toEqual(['internal.txt', 'guide.pdf', 'after.png']);
    const customerPage = (await member.client.get(`/support/${id}`)).text;
    expect(textsOf(customerPage, 'a[data-attachment]')).toEqual(['guide.pdf', 'after.png']);

    const [noteRow] = await sql<{ id: string }>("select id from ticket_attachments where name = 'internal.txt'");
    expect((await download(member.client, `/support/${id}/attachments/${noteRow.id}`)).status).toBe(404);
    const forStaff = await download(agent.client, `/admin/support/${id}/attachments/${noteRow.id}`);
    expect(forStaff.body).toEqual(Buffer.from('secret notes'));
    // A file too large for a note: the message is about the file, though the button's field was not read.
    const tooLarge = await post(
      agent.client,
      `/admin/support/${id}`,
      `/admin/support/${id}/reply`,
      { body: 'The full log.' },
      [{ name: 'full.log', content: Buffer.alloc(1_000_001, 0x61) }],
      { kind: 'note' },
    );
    expect(tooLarge.status).toBe(400);
    expect(fieldError(tooLarge.text, 'attachments')).toBe('A file is too large: attach files of at most 1 MB.');
    expect(fieldError(tooLarge.text, 'kind')).toBeUndefined();
    expect(tempFiles()).toEqual([]);
    // Staff cannot post files to the customers' form (and nothing of them is kept).
    const wrongSide = await post(agent.client, '/account', '/support/new', { subject: 'x' }, [
      { name: 'doc.pdf', content: PDF },
    ]);
    expect(wrongSide.status).toBe(403);
    expect(tempFiles()).toEqual([]);
    // Members cannot use the staff's address.
    expect((await download(member.client, `/admin/support/${id}/attachments/${noteRow.id}`)).status).toBe(403);
  });
});

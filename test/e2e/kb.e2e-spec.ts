import { EntityManager } from '@mikro-orm/better-sqlite';
import { DatabaseSeeder } from '../../seeds/database.seeder';
import { KB_ARTICLES } from '../../seeds/kb-articles';
import { KbService, type ArticleInput, type ArticleRow } from '../../src/modules/kb/kb.service';
import { withContext } from '../../src/platform/database/request-context';
import { all, attrsOf, dom, fieldError, flashMessages, one, pageText, textsOf } from '../utils/html';
import { Client, csrfFrom } from '../utils/http';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// The knowledge base: public published articles for everyone (no sign-in),
// internal ones and drafts for helpdesk and operators only, written by them
// in Markdown with every save a revision; full-text search ranked by bm25
// with highlighted snippets; "was this helpful?" once per visitor.
describe('knowledge base (/kb, /admin/kb)', () => {
  let t: TestApp;
  const clients: Record<'anonymous' | 'member' | 'admin' | 'helpdesk' | 'operator', Client> = {} as never;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const write = (input: ArticleInput & { title: string }): Promise<ArticleRow> =>
    withContext(t.app, () =>
      t.app
        .get(KbService)
        .create({ category: 'sign-in', visibility: 'public', status: 'published', body: 'Some text.', ...input }, null),
    );

  beforeAll(async () => {
    t = await createTestApp();
    clients.anonymous = new Client(t.server);
    for (const role of ['operator', 'member', 'admin', 'helpdesk'] as const) {
      clients[role] = (await signedIn(t, role)).client;
    }
  });
  afterAll(() => t.close());

  it('shows public published articles to everyone, internal ones and drafts only to helpdesk and operators', async () => {
    const open = await write({ title: 'Reset your router', body: 'Unplug it for ten seconds.' });
    const internal = await write({ title: 'Escalation checklist', visibility: 'internal', body: 'Call the lead.' });
    const draft = await write({ title: 'Unfinished guide', status: 'draft', body: 'Coming soon.' });
    const internalDraft = await write({
      title: 'Secret draft',
      status: 'draft',
      visibility: 'internal',
      body: 'Nope.',
    });
    for (const [who, client] of Object.entries(clients)) {
      const staff = who === 'helpdesk' || who === 'operator';
      const page = await client.get(`/kb/${open.slug}`);
      expect([who, page.status]).toEqual([who, 200]);
      expect(pageText(page.text)).toContain('Unplug it for ten seconds.');
      for (const hidden of [internal, draft, internalDraft]) {
        const res = await client.get(`/kb/${hidden.slug}`);
        expect([who, hidden.slug, res.status]).toEqual([who, hidden.slug, staff ? 200 : 404]);
        // A 404 never says the article exists.
        if (!staff) expect(res.text).not.toContain(hidden.title);
      }
      const index = await client.get('/kb');
      expect(index.status).toBe(200);
      const titles = textsOf(index.text, '[data-kb-category] a');
      expect(titles).toContain('Reset your router');
      expect(titles.includes('Escalation checklist')).toBe(staff);
      // Drafts are never listed on /kb, not even for staff.
      expect(titles).not.toContain('Unfinished guide');
      const search = await client.get('/kb?q=escalation');
      expect(textsOf(search.text, '[data-kb-result] .fw-bold').some((s) => s.includes('Escalation'))).toBe(staff);
    }
  });

  it('lets helpdesk write an article, keeps every save as a revision, and audits it', async () => {
    const helpdesk = clients.helpdesk;
    const refused = await helpdesk.submit('/admin/kb/new', { title: '', body: '', category: 'nope' });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.text, 'title')).toBe('Enter the title.');
    expect(fieldError(refused.text, 'category')).toBe('Choose a category.');

    const created = await helpdesk.submit('/admin/kb/new', {
      title: 'Change your email address',
      body: 'Open **Account**.',
      category: 'sign-in',
      visibility: 'public',
      status: 'draft',
    });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/kb/change-your-email-address');
    expect((await clients.member.get('/kb/change-your-email-address')).status).toBe(404);
    const [row] = await sql<{ id: string }>('select id from kb_articles where slug = ?', 'change-your-email-address');

    const edited = await helpdesk.submit(`/admin/kb/${row.id}/edit`, {
      title: 'Change the email address you sign in with',
      body: 'Open **Account → Profile**.',
      category: 'sign-in',
      visibility: 'public',
      status: 'published',
    });
    expect(edited.status).toBe(303);
    // The address stays when the title changes.
    expect(edited.headers.location).toBe('/kb/change-your-email-address');
    const page = await clients.anonymous.get('/kb/change-your-email-address');
    expect(page.status).toBe(200);
    expect(one(page.text, '[data-kb-body]').innerHTML).toContain('<strong>Account → Profile</strong>');

    const revisions = await helpdesk.get(`/admin/kb/${row.id}/revisions`);
    expect(revisions.status).toBe(200);
    expect(attrsOf(revisions.text, '[data-kb-revision]', 'data-kb-revision')).toEqual(['2', '1']);
    const old = await helpdesk.get(`/admin/kb/${row.id}/revisions/1`);
    expect(pageText(old.text)).toContain('Change your email address');
    expect(one(old.text, '[data-kb-body]').innerHTML).toContain('<strong>Account</strong>');
    expect((await helpdesk.get(`/admin/kb/${row.id}/revisions/9`)).status).toBe(404);

    const actions = await sql<{ action: string }>(
      `select action from audit_entries where target_id = ? order by id`,
      row.id,
    );
    expect(actions.map((a) => a.action)).toEqual(['kb.article_created', 'kb.article_updated', 'kb.article_published']);

    // A second article with the same title gets its own address.
    const twin = await helpdesk.submit('/admin/kb/new', {
      title: 'Change your email address',
      body: 'Again.',
      category: 'sign-in',
      visibility: 'internal',
      status: 'draft',
    });
    expect(twin.headers.location).toBe('/kb/change-your-email-address-2');

    // The staff list filters by status and visibility.
    const drafts = await clients.operator.get('/admin/kb?status=draft&visibility=internal');
    expect(attrsOf(drafts.text, '[data-kb-row]', 'data-kb-row')).toContain('change-your-email-address-2');
    expect(attrsOf(drafts.text, '[data-kb-row]', 'data-kb-row')).not.toContain('change-your-email-address');
    for (const who of ['member', 'admin'] as const) {
      expect((await clients[who].get('/admin/kb')).status).toBe(403);
      expect((await clients[who].get('/admin/kb/new')).status).toBe(403);
    }
  });

  // What an attacker would write into an article's title and body.
  const XSS = [
    '<script>alert(1)</script>',
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click](&#106;avascript:alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '<img src=x onerror=alert(1)>',
    '![x](x" onerror="alert(1))',
    '<svg onload=alert(1)><circle/></svg>',
    '<p onclick="alert(1)">hi</p>',
    '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<iframe src="https://evil.test"></iframe>',
    '<style>body{display:none}</style>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '<scr<script>ipt>alert(1)</script>',
  ];

  it('never lets script, event attributes, javascript: or data: links reach the page, in the body or the title', async () => {
    const body = XSS.join('\n\n');
    const article = await write({ title: '<script>alert("t")</script><img src=x onerror=alert(2)> XSS corpus', body });
    for (const path of [`/kb/${article.slug}`, '/kb', '/kb?q=corpus']) {
      const page = await clients.anonymous.get(path);
      expect(page.status).toBe(200);
      const root = dom(page.text);
      const main = root.querySelector('.page-wrapper') ?? root;
      expect(all(main, 'script, iframe, style, svg, img')).toEqual([]);
      for (const element of all(main, '*')) {
        for (const name of Object.keys(element.attributes)) expect(name.toLowerCase()).not.toMatch(/^on/);
        const href = element.getAttribute('href') ?? '';
        expect(href.replace(/\s/g, '').toLowerCase()).not.toMatch(/^(javascript|data|vbscript):/);
      }
    }
    // The title is text: shown escaped, never as markup.
    const page = await clients.anonymous.get(`/kb/${article.slug}`);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert(');
  });

  it('ranks a title match above a body match, matches prefixes, and escapes snippets but for the highlight', async () => {
    await write({
      title: 'Billing contacts',
      category: 'billing',
      body: 'Who gets the invoice. Firewallx appears here.',
    });
    await write({ title: 'Firewallx settings', category: 'devices', body: 'Configure the product.' });
    const results = await clients.anonymous.get('/kb?q=firewallx');
    expect(textsOf(results.text, '[data-kb-result] .fw-bold').slice(0, 2)).toEqual([
      'Firewallx settings',
      'Billing contacts',
    ]);

    await write({ title: 'Forgotten passwords', body: 'Choose a new password from the sign-in page.' });
    const prefix = await clients.anonymous.get('/kb?q=passw');
    expect(textsOf(prefix.text, '[data-kb-result] .fw-bold')).toContain('Forgotten passwords');
    const snippets = all(prefix.text, '[data-kb-snippet]').map((s) => s.innerHTML);
    expect(snippets.some((s) => s.includes('<mark>password</mark>'))).toBe(true);

    await write({ title: 'Bold markup', body: 'Type <b>zebrafish</b> here & <i>there</i>.' });
    const escaped = await clients.anonymous.get('/kb?q=zebrafish');
    const snippet = one(escaped.text, '[data-kb-snippet]');
    expect(snippet.innerHTML).toContain('&lt;b&gt;<mark>zebrafish</mark>&lt;/b&gt;');
    expect(all(snippet, 'b, i')).toEqual([]);
    expect(textsOf(escaped.text, '[data-kb-snippet] mark')).toEqual(['zebrafish']);
  });

  it('finds the guide named for the words however many newer articles mention them', async () => {
    // Searches rank a bounded set of candidates (ADR 0009): the newest matches, and the newest title matches.
    await write({ title: 'Wombatguard blocks the installer', category: 'installing', body: 'Remove it first.' });
    for (let i = 0; i < 240; i++) {
      await write({
        title: `Release ${i} notes`,
        category: 'devices',
        body: `Fixed a crash next to Wombatguard, case ${i}.`,
      });
    }
    const page = await clients.anonymous.get('/kb?q=wombatguard');
    expect(textsOf(page.text, '[data-kb-result] .fw-bold')[0]).toBe('Wombatguard blocks the installer');
    const suggested = (await clients.member.get('/kb/suggest?q=wombatguard%20installer')).body as { title: string }[];
    expect(suggested[0].title).toBe('Wombatguard blocks the installer');
    const typed = (await clients.member.get('/kb/suggest?q=wombatg')).body as { title: string }[];
    expect(typed[0].title).toBe('Wombatguard blocks the installer');
  });

  it('suggests published public articles as JSON for members and admins, nothing internal', async () => {
    await write({ title: 'Quokka install guide', category: 'installing', body: 'Steps for quokka.' });
    await write({ title: 'Quokka internal notes', visibility: 'internal', body: 'Quokka secrets.' });
    const res = await clients.member.get('/kb/suggest?q=quok%20whatever');
    expect(res.status).toBe(200);
    const body = res.body as { title: string; slug: string; snippet: string }[];
    expect(body.map((b) => b.title)).toEqual(['Quokka install guide']);
    expect(body[0]).toEqual({
      title: 'Quokka install guide',
      slug: 'quokka-install-guide',
      snippet: expect.any(String),
    });
    expect((await clients.admin.get('/kb/suggest?q=quokka')).status).toBe(200);
    expect((await clients.anonymous.get('/kb/suggest?q=quokka')).status).toBe(303);
    expect((await clients.helpdesk.get('/kb/suggest?q=quokka')).status).toBe(403);
  });

  it('counts "was this helpful?" once per visitor, anonymous ones too, and refuses a forged vote', async () => {
    const article = await write({ title: 'Helpful counting', body: 'Count me.' });
    const visitor = new Client(t.server);
    const token = csrfFrom((await visitor.get(`/kb/${article.slug}`)).text);
    const vote = (slug: string) =>
      visitor.agent.post(`/kb/${slug}/helpful`).type('form').send({ helpful: 'yes', _csrf: token }).redirects(0);
    const first = await vote(article.slug);
    expect(first.status).toBe(303);
    const after = await visitor.get(`/kb/${article.slug}`);
    expect(flashMessages(after.text)).toContain('Thank you for your answer.');
    expect(all(after.text, '[data-kb-helpful]')).toEqual([]);
    expect(pageText(after.text)).toContain('your answer was counted');
    const again = await vote(article.slug);
    expect(again.status).toBe(303);
    expect(flashMessages((await visitor.get(`/kb/${article.slug}`)).text)).toContain(
      'You answered for this article already.',
    );
    await clients.member.submit(`/kb/${article.slug}`, { helpful: 'no' }, `/kb/${article.slug}/helpful`);
    expect((await clients.anonymous.postWithoutCsrf(`/kb/${article.slug}/helpful`, { helpful: 'yes' })).status).toBe(
      403,
    );
    const [counts] = await sql<{ helpful_yes: number; helpful_no: number }>(
      'select helpful_yes, helpful_no from kb_articles where id = ?',
      article.id,
    );
    expect(counts).toEqual({ helpful_yes: 1, helpful_no: 1 });
    const staffView = await clients.helpdesk.get(`/kb/${article.slug}`);
    expect(pageText(staffView.text)).toContain('Helpful: 1 yes, 1 no');
    // Voting on an article the visitor may not see is a 404.
    const hidden = await write({ title: 'Hidden vote', visibility: 'internal' });
    expect((await vote(hidden.slug)).status).toBe(404);
  });

  it('lists related articles the reader may see', async () => {
    const a = await write({ title: 'Wombat sign-in trouble', body: 'One.' });
    await write({ title: 'Wombat password help', body: 'Two.' });
    await write({ title: 'Wombat internal', visibility: 'internal', body: 'Three.' });
    const page = await clients.anonymous.get(`/kb/${a.slug}`);
    const related = textsOf(page.text, '[data-kb-related] a');
    expect(related).toContain('Wombat password help');
    expect(related).not.toContain('Wombat internal');
  });
  it('pages the staff list by the last update, and offers Help and Knowledge base in the navigation by role', async () => {
    for (let i = 0; i < 27; i++) {
      await write({ title: `Paging article ${i}`, status: 'draft', category: 'billing' });
      t.clock.advance(1);
    }
    const first = await clients.operator.get('/admin/kb?status=draft');
    const firstRows = attrsOf(first.text, '[data-kb-row]', 'data-kb-row');
    expect(firstRows).toHaveLength(25);
    expect(firstRows[0]).toBe('paging-article-26');
    const next = attrsOf(first.text, 'a[rel="next"]', 'href')[0];
    expect(next).toMatch(/^\/admin\/kb\?status=draft&after=/);
    const second = attrsOf((await clients.operator.get(next)).text, '[data-kb-row]', 'data-kb-row');
    expect(second.some((slug) => firstRows.includes(slug))).toBe(false);
    expect(second).toContain('paging-article-0');

    const navOf = async (client: Client) =>
      attrsOf((await client.get('/dashboard')).text, 'nav[aria-label="Main"] a', 'href');
    for (const who of ['member', 'admin'] as const) {
      const nav = await navOf(clients[who]);
      expect(nav).toContain('/kb');
      expect(nav).not.toContain('/admin/kb');
    }
    for (const who of ['helpdesk', 'operator'] as const) expect(await navOf(clients[who])).toContain('/admin/kb');
  });
});

describe('knowledge base guides from db:seed', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('adds the guides to an empty knowledge base once, every link between them leading to an article', async () => {
    t = await createTestApp();
    await createOperator(t);
    const lines: string[] = [];
    const out = { line: (text = '') => lines.push(text), table: () => undefined };
    await new DatabaseSeeder().run(t.app, out);
    expect(lines).toContain(`Knowledge base: added ${KB_ARTICLES.length} articles.`);
    await new DatabaseSeeder().run(t.app, out);
    expect(lines).toContain('Knowledge base: has articles already, none added.');

    const visitor = new Client(t.server);
    const index = await visitor.get('/kb');
    const listed = attrsOf(index.text, '[data-kb-category] a', 'href');
    // Every public guide is listed; the helpdesk's own is not.
    expect(listed).toHaveLength(KB_ARTICLES.filter((a) => a.visibility === 'public').length);
    for (const href of listed) {
      const page = await visitor.get(href);
      expect([href, page.status]).toEqual([href, 200]);
      for (const link of attrsOf(one(page.text, '[data-kb-body]'), 'a[href^="/kb/"]', 'href')) {
        expect([href, link, (await visitor.get(link)).status]).toEqual([href, link, 200]);
      }
    }
    const search = await visitor.get('/kb?q=recovery%20cod');
    expect(textsOf(search.text, '[data-kb-result] .fw-bold')[0]).toBe(
      'I lost my phone: signing in with a recovery code',
    );
  });
});

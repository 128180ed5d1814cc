import { EntityManager } from '@mikro-orm/better-sqlite';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'superagent';
import { createLicense, createOrganization, createProduct, createRelease } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { LicensesService } from '../../src/modules/licenses/licenses.service';
import type { ProductRow } from '../../src/modules/catalog/catalog.service';
import { all, attrOf, attrsOf, fieldError, flashMessages, pageMessage, pageText, textsOf } from '../utils/html';
import { csrfFrom, type Client } from '../utils/http';
import { createTestApp, signedIn, type TestApp } from '../utils/test-app';

// Operators upload installers (hashed on the way in, a size limit), make one
// current per product and platform, withdraw bad ones; an organization sees
// the current installers of its licensed products and downloads them through
// signed links that work for an hour, for that organization only.
describe('downloads (/admin/downloads, /downloads)', () => {
  let t: TestApp;
  let operator: Client;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const uploads = () => join(t.dataDir, 'uploads');
  const tempFiles = () => readdirSync(join(uploads(), 'tmp'));
  const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
  const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  };

  beforeAll(async () => {
    t = await createTestApp({ UPLOAD_MAX_MB: '1' });
    operator = (await signedIn(t, 'operator')).client;
  });
  afterAll(() => t.close());

  /** Posts the upload form as a browser does: its fields, then the file last. */
  async function upload(
    fields: Record<string, string>,
    file?: { content: Buffer; name: string },
    client: Client = operator,
  ) {
    const form = await client.get('/admin/downloads/new');
    let req = client.agent.post('/admin/downloads/new').field('_csrf', csrfFrom(form.text));
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    if (file) req = req.attach('file', file.content, { filename: file.name, contentType: 'application/octet-stream' });
    return req.redirects(0);
  }

  async function orgWith(product: ProductRow, role: 'admin' | 'member' = 'member') {
    const org = await createOrganization(t.app);
    const { license } = await createLicense(t.app, { organization: org, product });
    const person = await signedIn(t, role, { organization: org });
    return { org, license, client: person.client };
  }

  const downloadLinks = (html: string) => attrsOf(html, 'a[href^="/downloads/file/"]', 'href');

  it('uploads an installer: the checksum is the SHA-256 of its bytes, the file is stored by the server’s name', async () => {
    const product = await createProduct(t.app, { name: 'Shield', platforms: 'windows,macos' });
    const content = Buffer.from(`MZ installer ${'x'.repeat(50_000)}`);
    const res = await upload(
      { productId: product.id, platform: 'windows', version: '8.3.0', notes: '# Faster\n\n- fixes' },
      { content, name: 'ShieldSetup-8.3.0.exe' },
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/downloads');
    const list = await operator.get('/admin/downloads');
    expect(flashMessages(list.text).join(' ')).toContain(`SHA-256 ${sha256(content)}`);
    expect(pageText(list.text)).toContain('Shield for Windows');
    expect(pageText(list.text)).toContain('ShieldSetup-8.3.0.exe');
    expect(pageText(list.text)).toContain('50.0 KB');

    const [row] = await sql<{ id: string; sha256: string; size: number; stored_name: string; current: number }>(
      'select id, sha256, size, stored_name, current from releases where product_id = ?',
      product.id,
    );
    expect(row).toMatchObject({ sha256: sha256(content), size: content.length, current: 0 });
    expect(row.stored_name).toBe(row.id);
    expect(readdirSync(uploads())).toContain(row.id);
    expect(tempFiles()).toEqual([]);
    const [audit] = await sql<{ details: string }>(
      `select details from audit_entries where action = 'release.uploaded' and target_id = ?`,
      row.id,
    );
    expect(JSON.parse(audit.details)).toMatchObject({ sha256: sha256(content), size: content.length });
  });

  it('refuses a file over UPLOAD_MAX_MB beside the field, and leaves no file behind', async () => {
    const product = await createProduct(t.app, { platforms: 'windows' });
    const before = readdirSync(uploads()).length;
    const res = await upload(
      { productId: product.id, platform: 'windows', version: '1.0.0' },
      { content: Buffer.alloc(1_000_001, 1), name: 'big.exe' },
    );
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'file')).toBe('The file is too large: upload at most 1 MB.');
    // The fields before the file are kept.
    expect(attrOf(res.text, '#field-version', 'value')).toBe('1.0.0');
    expect(tempFiles()).toEqual([]);
    expect(readdirSync(uploads()).length).toBe(before);
    expect(await sql('select id from releases where product_id = ?', product.id)).toEqual([]);
    // Exactly the limit is fine.
    const fits = await upload(
      { productId: product.id, platform: 'windows', version: '1.0.0' },
      { content: Buffer.alloc(1_000_000, 1), name: 'fits.exe' },
    );
    expect(fits.status).toBe(303);
  });

  it('refuses a platform the product does not run on, a bad version, a missing file and a duplicate, beside each field', async () => {
    const product = await createProduct(t.app, { name: 'Mobile Guard', platforms: 'android,ios' });
    const file = { content: Buffer.from('apk'), name: 'guard.apk' };
    const bad = await upload({ productId: product.id, platform: 'windows', version: 'latest' }, file);
    expect(bad.status).toBe(400);
    expect(fieldError(bad.text, 'platform')).toBe('Mobile Guard does not run on Windows: choose one of its platforms.');
    expect(fieldError(bad.text, 'version')).toBe('Enter the version as numbers with dots, like 8.2.1.');
    expect(tempFiles()).toEqual([]);

    const unknown = await upload({ productId: product.id, platform: 'beos', version: '1.0' }, file);
    expect(fieldError(unknown.text, 'platform')).toBe('Choose the platform.');
    const noFile = await upload({ productId: product.id, platform: 'android', version: '1.0' });
    expect(noFile.status).toBe(400);
    expect(fieldError(noFile.text, 'file')).toBe('Choose the installer file to upload.');

    expect((await upload({ productId: product.id, platform: 'android', version: '1.0' }, file)).status).toBe(303);
    const dup = await upload({ productId: product.id, platform: 'android', version: '1.0' }, file);
    expect(dup.status).toBe(400);
    expect(fieldError(dup.text, 'version')).toBe('Mobile Guard for Android has a release 1.0 already.');
    expect(tempFiles()).toEqual([]);
    expect(await sql('select id from releases where product_id = ?', product.id)).toHaveLength(1);
  });

  it('keeps the client’s file name only as the download’s name: a path in it is harmless', async () => {
    const product = await createProduct(t.app, { platforms: 'windows' });
    const content = Buffer.from('traversal attempt');
    const dataDirBefore = readdirSync(t.dataDir).sort();
    const parentBefore = readdirSync(join(t.dataDir, '..')).sort();
    const names = ['../../../secret', '..\\..\\evil.exe', 'Установка\u202e.exe'];
    for (const [i, name] of names.entries()) {
      const version = `${i + 1}.0`;
      const res = await upload({ productId: product.id, platform: 'windows', version }, { content, name });
      expect(res.status).toBe(303);
    }
    const rows = await sql<{ id: string; file_name: string; stored_name: string }>(
      'select id, file_name, stored_name from releases where product_id = ? order by version',
      product.id,
    );
    // No folders, no control or direction characters; other letters as they were.
    expect(rows.map((r) => r.file_name)).toEqual(['secret', 'evil.exe', 'Установка.exe']);
    expect(rows.every((r) => r.stored_name === r.id)).toBe(true);
    // Nothing was written outside the uploads folder.
    expect(readdirSync(t.dataDir).sort()).toEqual(dataDirBefore);
    expect(
      readdirSync(join(t.dataDir, '..')).filter((n) => !parentBefore.includes(n) && /secret|evil/.test(n)),
    ).toEqual([]);
    expect(rows.every((r) => existsSync(join(uploads(), r.stored_name)))).toBe(true);
  });

  it('keeps one current release per product and platform, in one transaction', async () => {
    const product = await createProduct(t.app, { platforms: 'windows,macos' });
    const first = await createRelease(t.app, { product, version: '1.0', current: false });
    const second = await createRelease(t.app, { product, version: '2.0', current: false });
    const mac = await createRelease(t.app, { product, platform: 'macos', version: '1.0', current: true });
    const mark = async (id: string) => {
      const page = await operator.get('/admin/downloads');
      return operator.agent
        .post(`/admin/downloads/${id}/current`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .redirects(0);
    };
    expect((await mark(first.id)).status).toBe(303);
    expect((await mark(second.id)).status).toBe(303);
    const current = await sql<{ id: string; platform: string }>(
      'select id, platform from releases where product_id = ? and current = 1 order by platform',
      product.id,
    );
    expect(current).toEqual([
      { id: mac.id, platform: 'macos' },
      { id: second.id, platform: 'windows' },
    ]);
    const page = await operator.get('/admin/downloads');
    expect(flashMessages(page.text).join(' ')).toContain('2.0 is now the current release for Windows.');
    // The database holds the rule too: a second current row is refused.
    await expect(sql('update releases set current = 1 where id = ?', first.id)).rejects.toThrow(/UNIQUE/);
  });

  it('withdraws a release after a confirmation page: never offered, its links stop working, no current left', async () => {
    const product = await createProduct(t.app, { name: 'Withdrawn Co', platforms: 'windows' });
    const release = await createRelease(t.app, { product, version: '3.1' });
    const { client } = await orgWith(product);
    const link = downloadLinks((await client.get('/downloads')).text)[0];
    expect(link).toBeDefined();

    const confirm = await operator.get(`/admin/downloads/${release.id}/withdraw`);
    expect(confirm.status).toBe(200);
    expect(textsOf(confirm.text, 'button.btn-danger')).toEqual(['Withdraw release']);
    expect(pageText(confirm.text)).toContain('It is the current release');
    const res = await operator.agent
      .post(`/admin/downloads/${release.id}/withdraw`)
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) })
      .redirects(0);
    expect(res.status).toBe(303);

    const offered = await client.get('/downloads');
    expect(downloadLinks(offered.text)).toEqual([]);
    expect(pageText(offered.text)).toContain('No Windows installer is available yet.');
    const gone = await client.get(link);
    expect(gone.status).toBe(410);
    expect(pageMessage(gone.text)).toContain('This release was withdrawn');
    // It cannot come back as current.
    const list = await operator.get('/admin/downloads');
    const again = await operator.agent
      .post(`/admin/downloads/${release.id}/current`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text) })
      .redirects(0);
    expect(again.status).toBe(409);
    expect(await sql('select id from releases where product_id = ? and current = 1', product.id)).toEqual([]);
    const actions = await sql<{ action: string }>(
      `select action from audit_entries where target_id = ? order by id`,
      release.id,
    );
    expect(actions.map((a) => a.action)).toEqual(['release.uploaded', 'release.marked_current', 'release.withdrawn']);
  });

  it('shows an organization only its products’ current releases, with sizes, checksums, safe notes, steps and the masked key', async () => {
    const ours = await createProduct(t.app, { name: 'Endpoint Shield', platforms: 'windows,macos,android' });
    const theirs = await createProduct(t.app, { name: 'Someone Else’s', platforms: 'windows' });
    const content = Buffer.from('shield for windows');
    await createRelease(t.app, { product: ours, version: '8.1', current: false });
    await createRelease(t.app, {
      product: ours,
      version: '8.2',
      content,
      fileName: 'Shield.msi',
      notes:
        '## What is new\n\n<script>alert(1)</script>\n\n[details](javascript:alert(1)) and <img src=x onerror=alert(1)>',
    });
    await createRelease(t.app, { product: ours, platform: 'macos', version: '8.2' });
    await createRelease(t.app, { product: theirs, version: '1.0' });
    const { license, client } = await orgWith(ours, 'admin');

    const page = await client.get('/downloads');
    expect(page.status).toBe(200);
    const text = pageText(page.text);
    expect(text).toContain('Endpoint Shield');
    expect(text).not.toContain('Someone Else');
    expect(text).not.toContain('8.1');
    expect(text).toContain(`Shield.msi (${content.length} bytes)`);
    expect(text).toContain(sha256(content));
    expect(text).toContain('No Android installer is available yet.');
    expect(text).toContain('System Settings → Privacy & Security');
    expect(text).toContain(`•••••-•••••-•••••-•••••-${license.keyHint}`);
    expect(attrsOf(page.text, 'a[href^="/licenses/"]', 'href')).toContain(`/licenses/${license.id}`);
    expect(downloadLinks(page.text)).toHaveLength(2);
    expect(textsOf(page.text, 'a[href^="/downloads/file/"]')).toEqual([
      'Download Endpoint Shield 8.2 for Windows',
      'Download Endpoint Shield 8.2 for macOS',
    ]);
    const notes = all(page.text, '.app-release-notes')[0].innerHTML;
    expect(notes).toContain('<h5>What is new</h5>');
    expect(notes.toLowerCase()).not.toMatch(/<script|onerror|javascript:|<img/);
  });

  it('says why there is nothing to download without an active license', async () => {
    const product = await createProduct(t.app);
    await createRelease(t.app, { product });
    const { org, license, client } = await orgWith(product);
    await withContext(t.app, () => t.app.get(LicensesService).suspend(license.id, 'unpaid'));
    const page = await client.get('/downloads');
    expect(pageText(page.text)).toContain('your organization has no active license');
    expect(downloadLinks(page.text)).toEqual([]);
    expect(org.id).toBeDefined();
  });

  describe('signed links', () => {
    let product: ProductRow;
    let content: Buffer;
    let releaseId: string;
    let member: Awaited<ReturnType<typeof orgWith>>;

    beforeAll(async () => {
      product = await createProduct(t.app, { name: 'Linked', platforms: 'windows' });
      content = Buffer.from(`linked installer ${'y'.repeat(10_000)}`);
      releaseId = (await createRelease(t.app, { product, content, fileName: 'Linked Setup "1".exe' })).id;
      member = await orgWith(product);
    });

    const linkNow = async (client = member.client) => downloadLinks((await client.get('/downloads')).text)[0];

    it('streams the file with its headers, and audits the download', async () => {
      const link = await linkNow();
      expect(link).toMatch(new RegExp(`^/downloads/file/${releaseId}\\?expires=\\d+&sig=[\\w-]+$`));
      const res = await member.client.agent.get(link).buffer(true).parse(binary).redirects(0);
      expect(res.status).toBe(200);
      expect(sha256(res.body as Buffer)).toBe(sha256(content));
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-length']).toBe(String(content.length));
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-disposition']).toBe('attachment; filename="Linked Setup 1.exe"');
      const [entry] = await sql<{ organization_id: string; details: string }>(
        `select organization_id, details from audit_entries where action = 'release.downloaded' and target_id = ?`,
        releaseId,
      );
      expect(entry.organization_id).toBe(member.org.id);
      expect(entry.details).not.toMatch(/sig|expires/);
    });

    it('refuses an altered link (signature, expiry, release, another organization) with 403', async () => {
      const link = await linkNow();
      const url = new URL(link, 'http://x');
      const sig = url.searchParams.get('sig')!;
      const expires = url.searchParams.get('expires')!;
      const other = await createRelease(t.app, { product, version: '9.9', current: false });
      const altered = [
        `/downloads/file/${releaseId}?expires=${expires}&sig=${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
        `/downloads/file/${releaseId}?expires=${Number(expires) + 3_600_000}&sig=${sig}`,
        `/downloads/file/${other.id}?expires=${expires}&sig=${sig}`,
        `/downloads/file/${releaseId}?expires=${expires}`,
        `/downloads/file/${releaseId}`,
      ];
      for (const path of altered) {
        const res = await member.client.get(path);
        expect([path, res.status]).toEqual([path, 403]);
        expect(pageMessage(res.text)).toContain('This download link is not valid');
      }
      // Another organization's member, with a license for the same product, cannot use this organization's link.
      const outsider = await orgWith(product);
      const res = await outsider.client.get(link);
      expect(res.status).toBe(403);
      expect(
        await sql(
          `select id from audit_entries where action = 'release.downloaded' and organization_id = ?`,
          outsider.org.id,
        ),
      ).toEqual([]);
    });

    it('refuses a link after its hour with 410, and a fresh link works', async () => {
      const link = await linkNow();
      // An hour and a second, in steps that keep the sessions alive (SESSION_IDLE_SECONDS is 30 minutes).
      for (const seconds of [1200, 1200, 1201]) {
        t.clock.advance(seconds);
        expect((await member.client.get('/dashboard')).status).toBe(200);
        expect((await operator.get('/dashboard')).status).toBe(200);
      }
      const res = await member.client.get(link);
      expect(res.status).toBe(410);
      expect(pageMessage(res.text)).toContain('This download link has expired');
      const fresh = await linkNow();
      expect((await member.client.agent.get(fresh).buffer(true).parse(binary)).status).toBe(200);
    });
  });

  it('lets nobody but operators upload, and operators not download', async () => {
    const product = await createProduct(t.app, { platforms: 'windows' });
    const helpdesk = (await signedIn(t, 'helpdesk')).client;
    const { client: member } = await orgWith(product);
    const { client: admin } = await orgWith(product, 'admin');
    for (const client of [helpdesk, member, admin]) {
      expect((await client.get('/admin/downloads')).status).toBe(403);
      expect((await client.get('/admin/downloads/new')).status).toBe(403);
      const dash = await client.get('/dashboard');
      const res = await client.agent
        .post('/admin/downloads/new')
        .field('_csrf', csrfFrom(dash.text))
        .field('productId', product.id)
        .field('platform', 'windows')
        .field('version', '1.0')
        .attach('file', Buffer.from('nope'), { filename: 'nope.exe' })
        .redirects(0);
      expect(res.status).toBe(403);
    }
    expect(tempFiles()).toEqual([]);
    expect(await sql('select id from releases where product_id = ?', product.id)).toEqual([]);
    expect((await helpdesk.get('/downloads')).status).toBe(403);
    expect((await operator.get('/downloads')).status).toBe(403);
  });
});

import { createOrganization } from '../../seeds/factories';
import { linkByLabel, textsOf } from '../utils/html';
import type { Client } from '../utils/http';
import { createTestApp, signedIn, type TestApp } from '../utils/test-app';

/** The organization names listed, each a link to its edit page. */
const namesOn = (html: string) => textsOf(html, 'tbody td > a[href^="/admin/organizations/"]');
const hrefOf = linkByLabel;

describe('/admin/organizations', () => {
  let t: TestApp;
  let operator: Client;
  beforeAll(async () => {
    t = await createTestApp();
    operator = (await signedIn(t, 'operator')).client;
  });
  afterAll(() => t.close());

  it('creates an organization and lists it with a flash message', async () => {
    const res = await operator.submit(
      '/admin/organizations/new',
      { name: '  Contoso   Labs ' },
      '/admin/organizations',
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/organizations');
    const list = await operator.get('/admin/organizations');
    expect(list.text).toContain('Organization “Contoso Labs” created.');
    expect(namesOn(list.text)).toContain('Contoso Labs');
  });

  it('refuses an empty or duplicate name beside the field, keeping the input', async () => {
    const empty = await operator.submit('/admin/organizations/new', { name: '' }, '/admin/organizations');
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Enter the organization name.');
    expect(empty.text).toContain('is-invalid');

    const blank = await operator.submit('/admin/organizations/new', { name: '    ' }, '/admin/organizations');
    expect(blank.status).toBe(400);

    const duplicate = await operator.submit(
      '/admin/organizations/new',
      { name: 'CONTOSO labs' },
      '/admin/organizations',
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.text).toContain('An organization with this name already exists.');
    expect(duplicate.text).toContain('value="CONTOSO labs"');

    const long = await operator.submit('/admin/organizations/new', { name: 'x'.repeat(121) }, '/admin/organizations');
    expect(long.status).toBe(400);
    expect(long.text).toContain('Use at most 120 characters.');
    // Characters as a person counts them: 61 emoji are 61, not 122.
    expect(
      (await operator.submit('/admin/organizations/new', { name: '🙂'.repeat(61) }, '/admin/organizations')).status,
    ).toBe(303);
  });

  it('treats names that differ only in case as the same in every script, and finds them either way', async () => {
    expect(
      (await operator.submit('/admin/organizations/new', { name: 'Äpfel Straße' }, '/admin/organizations')).status,
    ).toBe(303);
    for (const name of ['äpfel straße', 'ÄPFEL STRASSE']) {
      const duplicate = await operator.submit('/admin/organizations/new', { name }, '/admin/organizations');
      expect([name, duplicate.status]).toEqual([name, 400]);
      expect(duplicate.text).toContain('An organization with this name already exists.');
    }
    expect(namesOn((await operator.get(`/admin/organizations?q=${encodeURIComponent('äpfel')}`)).text)).toEqual([
      'Äpfel Straße',
    ]);
  });

  it('ignores a paging cursor altered to hold what no name or id can be', async () => {
    for (const values of ['[1e999,"x"]', '["a\\u0000b","x"]']) {
      const cursor = Buffer.from(values).toString('base64url');
      for (const param of ['after', 'before']) {
        const res = await operator.get(`/admin/organizations?${param}=${cursor}`);
        expect([values, param, res.status]).toEqual([values, param, 200]);
      }
    }
  });

  it('renames an organization, refusing a name already taken', async () => {
    const org = await createOrganization(t.app, 'Fabrikam');
    await createOrganization(t.app, 'Tailspin');
    const edit = await operator.get(`/admin/organizations/${org.id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('value="Fabrikam"');

    const taken = await operator.submit(
      `/admin/organizations/${org.id}/edit`,
      { name: 'tailspin' },
      `/admin/organizations/${org.id}`,
    );
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('An organization with this name already exists.');
    expect(taken.text).toContain(`action="/admin/organizations/${org.id}"`);

    const ok = await operator.submit(
      `/admin/organizations/${org.id}/edit`,
      { name: 'Fabrikam Europe' },
      `/admin/organizations/${org.id}`,
    );
    expect(ok.status).toBe(303);
    const list = await operator.get('/admin/organizations?q=fabrikam');
    expect(namesOn(list.text)).toEqual(['Fabrikam Europe']);
  });

  it('keeps the old /admin/orgs addresses working by redirect, for operators only', async () => {
    const list = await operator.get('/admin/orgs?q=acme');
    expect(list.status).toBe(301);
    expect(list.headers.location).toBe('/admin/organizations?q=acme');
    const form = await operator.submit('/admin/organizations/new', { name: 'Redirected' }, '/admin/orgs');
    expect(form.status).toBe(308);
    expect(form.headers.location).toBe('/admin/organizations');
    const member = (await signedIn(t, 'member')).client;
    expect((await member.get('/admin/orgs')).status).toBe(403);
  });

  it('answers unknown and malformed ids with 404', async () => {
    expect((await operator.get('/admin/organizations/00000000-0000-4000-8000-000000000000/edit')).status).toBe(404);
    const malformed = await operator.get('/admin/organizations/not-an-id/edit');
    expect(malformed.status).toBe(404);
    expect(malformed.text).toContain('Page not found');
    expect(malformed.text).not.toContain('Validation failed');
    const post = await operator.submit(
      '/dashboard',
      { name: 'Ghost' },
      '/admin/organizations/00000000-0000-4000-8000-000000000000',
    );
    expect(post.status).toBe(404);
  });

  it('searches by part of the name, treating % and _ literally', async () => {
    await createOrganization(t.app, 'Percent 100% Co');
    await createOrganization(t.app, 'Percent 1000 Co');
    const res = await operator.get(`/admin/organizations?q=${encodeURIComponent('100%')}`);
    expect(namesOn(res.text)).toEqual(['Percent 100% Co']);
    const none = await operator.get('/admin/organizations?q=zzzz-nothing');
    expect(none.text).toContain('No organization matches');
    expect(none.text).toContain('zzzz-nothing');
  });

  it('pages through many organizations with Next and Previous, in name order, without repeats', async () => {
    for (let i = 0; i < 60; i++) await createOrganization(t.app, `Paged ${String(i).padStart(2, '0')}`);
    const seen: string[] = [];
    let href: string | undefined = '/admin/organizations?q=Paged';
    const pages: string[] = [];
    while (href) {
      const res = await operator.get(href);
      expect(res.status).toBe(200);
      pages.push(href);
      seen.push(...namesOn(res.text));
      href = hrefOf(res.text, 'Next');
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => `Paged ${String(i).padStart(2, '0')}`));
    expect(pages).toHaveLength(3);

    const last = await operator.get(pages[2]);
    const prev = hrefOf(last.text, 'Previous')!;
    expect(prev).toContain('before=');
    expect(namesOn((await operator.get(prev)).text)).toEqual(seen.slice(25, 50));
  });

  it('ignores a tampered cursor instead of failing', async () => {
    const res = await operator.get('/admin/organizations?after=%%%garbage');
    expect(res.status).toBe(200);
  });
});

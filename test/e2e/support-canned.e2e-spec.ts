import { EntityManager } from '@mikro-orm/better-sqlite';
import { createOrganization } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { attrsOf, fieldError, textOf, textsOf } from '../utils/html';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const ID = /^\/support\/([0-9a-f-]{36})$/;

// Canned replies (issue 13, second increment): the helpdesk keeps texts on
// /admin/support/canned and inserts one into a ticket's reply form.
describe('canned replies (/admin/support/canned)', () => {
  let t: TestApp;
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('creates, edits and deletes canned replies (audited) and inserts one into a reply', async () => {
    const agent = await signedIn(t, 'helpdesk');
    const refused = await agent.client.submit('/admin/support/canned/new', { title: '', body: 'x' });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.text, 'title')).toBe('Enter a title.');

    const created = await agent.client.submit('/admin/support/canned/new', {
      title: 'Reset your password',
      body: 'Use “Forgot password?” on the sign-in page.',
    });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/admin/support/canned');
    let list = await agent.client.get('/admin/support/canned');
    expect(textsOf(list.text, '[data-canned-list] tbody td a')).toEqual(['Reset your password']);
    const cannedId = attrsOf(list.text, 'tr[data-canned]', 'data-canned')[0];

    const edited = await agent.client.submit(`/admin/support/canned/${cannedId}/edit`, {
      title: 'Password reset',
      body: 'Use “Forgot password?” on the sign-in page, then check your mail.',
    });
    expect(edited.status).toBe(303);

    // A customer's ticket: the agent inserts the canned reply, then sends it.
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const opened = await member.client.submit(
      '/support/new',
      { subject: 'Forgot password', description: 'Help.', category: 'sign-in' },
      '/support/new',
    );
    const id = ID.exec(String(opened.headers.location))![1];
    let page = await agent.client.get(`/admin/support/${id}`);
    expect(textsOf(page.text, '[data-canned-select] option')).toEqual(['Password reset']);
    expect(textOf(page.text, '#field-body')).toBe('');
    // With JavaScript the select fills the textarea in place, from the option's text.
    expect(attrsOf(page.text, '[data-canned-select] option', 'data-body')).toEqual([
      'Use “Forgot password?” on the sign-in page, then check your mail.',
    ]);
    const script = attrsOf(page.text, 'script[src]', 'src').find((src) => src.endsWith('/canned-reply.js'))!;
    expect((await agent.client.get(script)).status).toBe(200);
    page = await agent.client.get(`/admin/support/${id}?canned=${cannedId}`);
    expect(textOf(page.text, '#field-body')).toBe('Use “Forgot password?” on the sign-in page, then check your mail.');

    const deleted = await agent.client.submit('/admin/support/canned', {}, `/admin/support/canned/${cannedId}/delete`);
    expect(deleted.status).toBe(303);
    list = await agent.client.get('/admin/support/canned');
    expect(textsOf(list.text, '[data-canned-list] tbody td a')).toEqual([]);
    expect((await agent.client.get(`/admin/support/canned/${cannedId}/edit`)).status).toBe(404);

    const audited = await sql<{ details: string }>(
      "select details from audit_entries where action = 'support.canned_reply_changed' order by id",
    );
    expect(audited.map((a) => JSON.parse(a.details).change)).toEqual(['created', 'updated', 'deleted']);

    // Customers have no business here.
    expect((await member.client.get('/admin/support/canned')).status).toBe(403);
  });
});

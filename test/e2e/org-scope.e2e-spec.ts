import { createOrganization, createPerson } from '../../seeds/factories';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

describe('organization scope (/org/users)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  it("shows an org admin their own organization's people and nobody else's", async () => {
    const mine = await createOrganization(t.app, 'Mine Ltd');
    const theirs = await createOrganization(t.app, 'Theirs Ltd');
    const admin = await signedIn(t, 'admin', { organization: mine });
    const colleague = await createPerson(t.app, { role: 'member', organization: mine, name: 'Colin Colleague' });
    const stranger = await createPerson(t.app, { role: 'member', organization: theirs, name: 'Sam Stranger' });

    const list = await admin.client.get('/org/users');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Colin Colleague');
    expect(list.text).not.toContain('Sam Stranger');
    expect(list.text).toContain('href="/org/users"');

    expect((await admin.client.get(`/org/users/${colleague.person.id}`)).text).toContain(colleague.email);
    // Another organization's id is not found, not forbidden: its existence is not confirmed.
    const foreign = await admin.client.get(`/org/users/${stranger.person.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain(stranger.email);

    const search = await admin.client.get('/org/users?q=stranger');
    expect(search.text).not.toContain('Sam Stranger');
    expect(search.text).toContain('Nobody in your organization matches');
  });

  it.each(['member', 'helpdesk', 'operator'] as const)('refuses /org/users to a %s', async (role) => {
    const { client } = await signedIn(t, role);
    expect((await client.get('/org/users')).status).toBe(403);
  });
});

import { createLicense, createOrganization } from '../../seeds/factories';
import { attrOf, textOf, textsOf } from '../utils/html';
import { Client } from '../utils/http';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const ID = /^\/support\/([0-9a-f-]{36})$/;

// The customer at a glance beside a ticket (issue 13, second increment): the
// requester's account state, their organization's licenses and seats, and a
// link to the helpdesk person page where the actions are.
describe('customer at a glance (/admin/support/:id)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOCKOUT_MAX_FAILURES: '2' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('shows a locked requester as locked, their licenses’ seats, and links to the helpdesk actions', async () => {
    const org = await createOrganization(t.app);
    await createLicense(t.app, { organization: org, seats: 10 });
    const member = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    const res = await member.client.submit(
      '/support/new',
      { subject: 'Locked out', description: 'I cannot sign in.', category: 'sign-in' },
      '/support/new',
    );
    expect(res.status).toBe(303);
    const id = ID.exec(String(res.headers.location))![1];

    let page = await agent.client.get(`/admin/support/${id}`);
    expect(page.status).toBe(200);
    expect(textOf(page.text, '[data-account-state]')).toBe('Active');
    expect(textOf(page.text, '[data-two-factor]')).toBe('Off');
    expect(textsOf(page.text, '[data-glance-licenses] [data-seats]')).toEqual(['0 of 10 used']);
    expect(attrOf(page.text, '[data-helpdesk-link]', 'href')).toBe(`/admin/users/${member.person.id}`);

    // Two wrong passwords lock the account.
    for (let i = 0; i < 2; i++) await new Client(t.server).signIn(member.email, 'wrong password, surely');
    page = await agent.client.get(`/admin/support/${id}`);
    expect(textOf(page.text, '[data-account-state]')).toMatch(/^Locked until /);
    expect(textOf(page.text, '[data-failed-sign-ins]')).toBe('2');
    // Read-only: no prices or billing in the panel.
    expect(textOf(page.text, '[data-glance]')).not.toMatch(/price|invoice|billing/i);
  });
});

import { createOrganization } from '../../seeds/factories';
import { attrOf, tableRows } from '../utils/html';
import { createTestApp, signedIn, type TestApp } from '../utils/test-app';

// The audit pages speak in the same sentences as /account/activity: the
// label each module declares for its actions, the code beside it for filters.
describe('audit pages name actions by their labels', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('shows "Signed in" for auth.login.succeeded on /admin/audit, its entry page and /org/audit', async () => {
    const operator = await signedIn(t, 'operator');
    const list = await operator.client.get('/admin/audit?action=auth.login.succeeded');
    expect(list.status).toBe(200);
    const [first] = tableRows(list.text);
    expect(first[2]).toBe('Signed in auth.login.succeeded');
    const entry = await operator.client.get(attrOf(list.text, 'tbody tr a', 'href')!);
    expect(entry.text).toContain('<h2 class="card-title">Signed in</h2>');

    const admin = await signedIn(t, 'admin', { organization: await createOrganization(t.app, 'Labels Ltd') });
    const own = tableRows((await admin.client.get('/org/audit?action=auth.login.succeeded')).text);
    expect(own[0][2]).toBe('Signed in auth.login.succeeded');
  });
});

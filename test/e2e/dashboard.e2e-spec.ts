import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths';
import { MODULE_CATALOG } from '../../src/platform/module-host/module-catalog';
import { textOf, textsOf } from '../utils/html';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// Cards come from what modules and plugins declare (their manifests), per role.
describe('dashboard widgets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PLUGINS: 'hello' }, { pluginsDir: join(PROJECT_ROOT, 'test/fixtures/plugins') });
    await createOperator(t); // setup done: every page is open
  });
  afterAll(() => t.close());

  it('shows every role the sign-in security card its module declares, with the person’s own state', async () => {
    expect(MODULE_CATALOG.widgets.map((w) => w.id)).toContain('account-security');
    for (const role of ['member', 'admin', 'helpdesk', 'operator'] as const) {
      const { client } = await signedIn(t, role);
      const page = (await client.get('/dashboard')).text;
      expect(textOf(page, '#widget-account-security .card-title')).toBe('Sign-in security');
      expect(textOf(page, '#widget-account-security .badge')).toBe('Off');
      expect(textOf(page, '#widget-account-security a')).toBe('Turn on two-factor sign-in');
    }
  });

  it('shows a plugin’s card only to the roles of its navigation (operators here)', async () => {
    const operator = (await (await signedIn(t, 'operator')).client.get('/dashboard')).text;
    expect(textsOf(operator, '.card-title')).toContain('Hello card');
    expect(textOf(operator, '#widget-hello-hello #hello-greeting')).toMatch(/^Hello, Test Operator/);
    const member = (await (await signedIn(t, 'member')).client.get('/dashboard')).text;
    expect(textsOf(member, '.card-title')).not.toContain('Hello card');
  });
});

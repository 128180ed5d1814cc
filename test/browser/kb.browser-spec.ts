import type { Page } from 'playwright-core';
import { DatabaseSeeder } from '../../seeds/database.seeder';
import { browserSuite, checkA11y, expectHeading, expectPath } from '../utils/browser';
import { createOperator, type TestApp } from '../utils/test-app';

// A customer who cannot sign in finds the right guide in the knowledge base
// without an account: searches, sees the matched words highlighted, reads
// the guide and says it helped.
describe('the knowledge base in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let page: Page;
  browserSuite({}, (s) => ({ t, baseUrl, page } = s));

  beforeAll(async () => {
    await createOperator(t);
    await new DatabaseSeeder().run(t.app, { line: () => undefined, table: () => undefined });
  });

  it('searches the guides, opens one and answers "was this helpful?" without signing in', async () => {
    await page.goto(`${baseUrl}/kb`);
    await expectHeading(page, 'Help');
    await checkA11y(page, 'knowledge base index');
    await page.getByLabel('Search the help articles').fill('recovery cod');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectPath(page, '/kb');
    const first = page.locator('[data-kb-result]').first();
    await expect(first.locator('.fw-bold').textContent()).resolves.toBe(
      'I lost my phone: signing in with a recovery code',
    );
    await expect(first.locator('mark').first().textContent()).resolves.toMatch(/^recovery/i);
    await checkA11y(page, 'knowledge base results');

    await first.click();
    await expectPath(page, '/kb/i-lost-my-phone-signing-in-with-a-recovery-code');
    await expectHeading(page, 'I lost my phone: signing in with a recovery code');
    await checkA11y(page, 'knowledge base article');
    await page.getByRole('button', { name: 'Yes' }).click();
    await expect(page.locator('[data-kb-voted]').textContent()).resolves.toContain('your answer was counted');
  });
});

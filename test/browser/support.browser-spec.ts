import type { Page } from 'playwright-core';
import { createOrganization, createPerson } from '../../seeds/factories';
import { DatabaseSeeder } from '../../seeds/database.seeder';
import { browserSuite, checkA11y, expectHeading, signInThroughForm } from '../utils/browser';
import { createOperator, type TestApp } from '../utils/test-app';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('a screenshot, by its signature'),
]);

// A member about to write a ticket sees the guides that match the subject as
// they type, then opens the ticket with a screenshot attached.
describe('support tickets in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let page: Page;
  browserSuite({}, (s) => ({ t, baseUrl, page } = s));

  beforeAll(async () => {
    await createOperator(t);
    await new DatabaseSeeder().run(t.app, { line: () => undefined, table: () => undefined });
  });

  it('suggests guides while the subject is typed, and opens a ticket with an attachment', async () => {
    const org = await createOrganization(t.app, 'Northwind Clinic');
    const member = await createPerson(t.app, { organization: org, name: 'Mia Member' });
    await signInThroughForm(page, baseUrl, member.email, member.password);
    await page.goto(`${baseUrl}/support/new`);
    await expectHeading(page, 'New ticket');
    await expect(page.getByText('These guides may help').isVisible()).resolves.toBe(false);

    await page.getByLabel('Subject').pressSequentially('passw', { delay: 30 });
    const suggestion = page.locator('[data-kb-suggestion]', { hasText: 'I forgot my password' });
    await suggestion.waitFor();
    await expect(page.getByText('These guides may help').isVisible()).resolves.toBe(true);
    expect(await page.locator('[data-kb-suggestion]').count()).toBeLessThanOrEqual(5);
    await expect(suggestion.getAttribute('href')).resolves.toBe('/kb/i-forgot-my-password');
    await checkA11y(page, 'new ticket with suggestions');

    await page.getByLabel('Subject').fill('Password reset mail never arrives');
    await page.getByLabel('What is it about?').selectOption('sign-in');
    await page.getByLabel('Description').fill('I asked twice; nothing came. Screenshot attached.');
    await page.getByLabel('Attach files (optional)').setInputFiles({
      name: 'screen.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await Promise.all([
      page.waitForURL(/\/support\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Send ticket' }).click(),
    ]);
    await expectHeading(page, 'Password reset mail never arrives');
    const link = page.getByRole('link', { name: 'screen.png' });
    await expect(link.isVisible()).resolves.toBe(true);
    await checkA11y(page, 'ticket with an attachment');
    const res = await page.request.get(`${baseUrl}${await link.getAttribute('href')}`);
    expect(Buffer.from(await res.body())).toEqual(PNG);
  });
});

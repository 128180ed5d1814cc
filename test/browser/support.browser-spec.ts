import type { Page } from 'playwright-core';
import { createOrganization, createPerson } from '../../seeds/factories';
import { DatabaseSeeder } from '../../seeds/database.seeder';
import type { Principal } from '../../src/common/http/principal';
import { SupportService } from '../../src/modules/support/support.service';
import { withContext } from '../../src/platform/database/request-context';
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

  it('updates ticked tickets from the queue in bulk and saves the view as a search', async () => {
    const org = await createOrganization(t.app, 'Bulk Bakery');
    const member = await createPerson(t.app, { organization: org, name: 'Bea Baker' });
    const agent = await createPerson(t.app, { role: 'helpdesk', name: 'Hugo Helpdesk' });
    const customer = { personId: member.person.id, orgId: org.id, role: 'member', name: 'Bea Baker' } as Principal;
    for (const subject of ['Oven license expired', 'Cannot add a device', 'Invoice address wrong']) {
      t.clock.advance(60);
      await withContext(t.app, () =>
        t.app
          .get(SupportService)
          .create(customer, { subject, description: 'Help.', category: 'other', urgency: 'normal' }),
      );
    }
    await signInThroughForm(page, baseUrl, agent.email, agent.password);
    await page.goto(`${baseUrl}/admin/support?view=unassigned&organization=${org.id}`);
    await expectHeading(page, 'Support queue');
    await checkA11y(page, 'support queue with the bulk update bar');

    await page.getByLabel('Tick “Oven license expired”').check();
    await page.getByLabel('Tick “Invoice address wrong”').check();
    await page.getByLabel('Assign to').selectOption('me');
    await page.getByLabel('Status', { exact: true }).last().selectOption('open');
    await page.getByLabel('Internal note (optional)').fill('Taken in bulk.');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/admin/support' && url.searchParams.get('view') === 'unassigned'),
      page.getByRole('button', { name: 'Update tickets' }).click(),
    ]);
    await expect(page.locator('.app-flash .alert').textContent()).resolves.toContain('Updated 2 tickets.');
    // Assigned now, they left "Unassigned" for "Waiting on me".
    expect(await page.locator('[data-queue] tbody tr').count()).toBe(1);
    await Promise.all([
      page.waitForURL(/\/admin\/support\?view=mine$/),
      page.getByRole('link', { name: /^Waiting on me/ }).click(),
    ]);
    // Both changed in the same instant: equally waiting, in no particular order.
    expect((await page.locator('[data-queue] tbody td a').allTextContents()).sort()).toEqual([
      'Invoice address wrong',
      'Oven license expired',
    ]);

    await page.getByRole('link', { name: 'Save this search' }).click();
    await expectHeading(page, 'Save this search');
    await checkA11y(page, 'save a search');
    await page.getByLabel('Name').fill('My open tickets');
    await page.getByLabel('Share with all staff').check();
    await Promise.all([
      page.waitForURL(/\/admin\/support\?view=mine$/),
      page.getByRole('button', { name: 'Save search' }).click(),
    ]);
    await expect(page.getByRole('link', { name: /My open tickets/ }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
  });
});

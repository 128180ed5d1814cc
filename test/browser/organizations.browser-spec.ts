import type { Page } from 'playwright-core';
import { createOrganization } from '../../seeds/factories';
import { browserSuite, checkA11y, signInThroughForm } from '../utils/browser';
import { createOperator, type TestApp } from '../utils/test-app';

describe('organizations in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let page: Page;
  browserSuite({}, (s) => ({ t, baseUrl, page } = s));

  it('lets an operator create, rename and find an organization', async () => {
    const operator = await createOperator(t);
    await createOrganization(t.app, 'Contoso Pharmacy');
    await createOrganization(t.app, 'Fabrikam Dental');
    await signInThroughForm(page, baseUrl, operator.email, operator.password);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
    await page.waitForURL(`${baseUrl}/admin/organizations`);
    const link = await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Organizations' })
      .getAttribute('aria-current');
    expect(link).toBe('page');

    // Create.
    await page.getByRole('link', { name: 'New organization' }).click();
    await page.waitForURL(`${baseUrl}/admin/organizations/new`);
    await page.getByLabel('Organization name').fill('Tailspin Toys');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL(`${baseUrl}/admin/organizations`);
    expect(await page.getByRole('status').textContent()).toContain('Organization “Tailspin Toys” created.');
    expect(await rowNames(page)).toEqual(['Contoso Pharmacy', 'Fabrikam Dental', 'Tailspin Toys']);

    // A duplicate name is refused beside the field, the input kept.
    await page.getByRole('link', { name: 'New organization' }).click();
    await page.getByLabel('Organization name').fill('tailspin toys');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForSelector('.app-error-summary');
    expect(await page.getByLabel('Organization name').inputValue()).toBe('tailspin toys');
    expect(await page.locator('#field-name-error').isVisible()).toBe(true);
    await checkA11y(page, 'new organization with a duplicate name');
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.waitForURL(`${baseUrl}/admin/organizations`);

    // Rename, from the organization's page (the row's link).
    await page.getByRole('link', { name: 'Tailspin Toys' }).click();
    await page.waitForURL(/\/admin\/organizations\/[0-9a-f-]+$/);
    expect(await page.locator('h1').textContent()).toContain('Tailspin Toys');
    await checkA11y(page, 'organization page');
    await page.getByRole('link', { name: 'Rename organization' }).click();
    await page.waitForURL(/\/admin\/organizations\/[0-9a-f-]+\/edit$/);
    expect(await page.locator('h1').textContent()).toContain('Rename organization');
    const name = page.getByLabel('Organization name');
    expect(await name.inputValue()).toBe('Tailspin Toys');
    await checkA11y(page, 'rename organization');
    await name.fill('Tailspin Aviation');
    await page.getByRole('button', { name: 'Rename organization' }).click();
    await page.waitForURL(`${baseUrl}/admin/organizations`);
    expect(await page.getByRole('status').textContent()).toContain('Organization renamed to “Tailspin Aviation”.');
    expect(await rowNames(page)).toEqual(['Contoso Pharmacy', 'Fabrikam Dental', 'Tailspin Aviation']);

    // Search: a GET form, so the URL is shareable.
    await page.getByLabel('Search organizations').fill('aviat');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/admin/organizations' && url.searchParams.get('q') === 'aviat');
    expect(await rowNames(page)).toEqual(['Tailspin Aviation']);
    expect(await page.getByLabel('Search organizations').inputValue()).toBe('aviat');
    await checkA11y(page, 'organization search results');

    await page.getByLabel('Search organizations').fill('no such organization');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'no such organization');
    expect(await page.locator('main').textContent()).toContain('No organization matches “no such organization”.');
    await checkA11y(page, 'organization search without results');

    await page.getByRole('link', { name: 'Clear search' }).first().click();
    await page.waitForURL(`${baseUrl}/admin/organizations`);
    expect(await rowNames(page)).toHaveLength(3);
  });
});

function rowNames(page: Page): Promise<string[]> {
  return page.locator('tbody tr td:first-child').evaluateAll((cells) => cells.map((c) => c.textContent?.trim() ?? ''));
}

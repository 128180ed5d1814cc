import type { Page } from 'playwright-core';
import { createLicense, createOrganization, createPerson, createProduct } from '../../seeds/factories';
import { browserSuite, checkA11y, expectHeading, signInThroughForm } from '../utils/browser';
import { createOperator, type TestApp } from '../utils/test-app';

const PHONE = { width: 360, height: 740 };

// An organization admin looks after the organization's licenses: days left,
// seats, the product key (revealed on request) and auto-renew.
describe('licenses in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let page: Page;
  browserSuite({}, (s) => ({ t, baseUrl, page } = s));

  let admin: { email: string; password: string };
  let licenseId: string;
  let key: string;

  beforeAll(async () => {
    await createOperator(t); // setup is done
    const org = await createOrganization(t.app, 'Regional Veterinary Clinics Cooperative of the Northern Valleys');
    admin = await createPerson(t.app, {
      role: 'admin',
      organization: org,
      name: 'Maximiliana Wolfeschlegelsteinhausen-Bergerdorff',
    });
    const product = await createProduct(t.app, {
      name: 'SeatDesk Endpoint Security for Veterinary Practices',
      sku: 'SD-ES-VET',
    });
    const created = await createLicense(t.app, {
      organization: org,
      product,
      seats: 25,
      expiresInDays: 21,
      autoRenew: true,
    });
    licenseId = created.license.id;
    key = created.key;
  });

  it('lets an org admin see a license, reveal its key and turn auto-renew off', async () => {
    await signInThroughForm(page, baseUrl, admin.email, admin.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Licenses' }).click();
    await page.waitForURL(`${baseUrl}/licenses`);
    await expectHeading(page, 'Licenses');

    const row = page.locator(`tr[data-license="${licenseId}"]`);
    expect((await row.locator('[data-days-left]').textContent())?.trim()).toBe('21 days left');
    expect((await row.locator('[data-seats]').textContent())?.trim()).toBe('0 of 25 used');
    expect((await row.locator('[data-state]').textContent())?.trim()).toBe('Active');
    // The list names the key by its last group only.
    expect(await row.textContent()).toContain(`key …${key.slice(-5)}`);
    expect(await page.locator('main').textContent()).not.toContain(key);
    await checkA11y(page, '/licenses');

    await row.getByRole('link', { name: 'SeatDesk Endpoint Security for Veterinary Practices' }).click();
    await page.waitForURL(`${baseUrl}/licenses/${licenseId}`);
    await expectHeading(page, 'SeatDesk Endpoint Security for Veterinary Practices');
    expect((await page.locator('[data-masked-key]').textContent())?.trim()).toBe(
      `•••••-•••••-•••••-•••••-${key.slice(-5)}`,
    );
    expect((await page.locator('[data-auto-renew]').textContent())?.trim()).toBe('On');
    await checkA11y(page, 'a license');

    // Just signed in, so the password counts as confirmed: the key shows at once.
    await page.getByRole('button', { name: 'Reveal key' }).click();
    await page.locator('[data-product-key]').waitFor();
    expect((await page.locator('[data-product-key]').textContent())?.trim()).toBe(key);
    await checkA11y(page, 'a license with its key revealed');

    await page.getByRole('button', { name: 'Turn auto-renew off' }).click();
    await page.waitForURL(`${baseUrl}/licenses/${licenseId}`);
    expect(await page.getByRole('status').textContent()).toContain(
      'Auto-renew is off: SeatDesk Endpoint Security for Veterinary Practices ends at its expiry unless you renew it.',
    );
    expect((await page.locator('[data-auto-renew]').textContent())?.trim()).toBe('Off');
    expect(await page.getByRole('button', { name: 'Turn auto-renew on' }).isVisible()).toBe(true);
    // After the redirect the key is masked again.
    expect(await page.locator('[data-product-key]').count()).toBe(0);
    expect(await page.locator('[data-history] strong').allTextContents()).toEqual([
      'Auto-renew changed',
      'License created',
    ]);

    // Sixteen minutes later revealing asks for the password first, then comes back to the license.
    t.clock.advance(16 * 60);
    await page.getByRole('button', { name: 'Reveal key' }).click();
    await page.waitForURL((url) => url.pathname === '/account/confirm');
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Confirm password' }).click();
    await page.waitForURL(`${baseUrl}/licenses/${licenseId}`);
    await page.getByRole('button', { name: 'Reveal key' }).click();
    await page.locator('[data-product-key]').waitFor();
    expect((await page.locator('[data-product-key]').textContent())?.trim()).toBe(key);
  });

  it('shows the licenses and a license at 360 px wide without sideways page scrolling', async () => {
    await page.setViewportSize(PHONE);
    await signInThroughForm(page, baseUrl, admin.email, admin.password);
    for (const path of ['/licenses', `/licenses/${licenseId}`, `/licenses/${licenseId}/reset-key`]) {
      await page.goto(`${baseUrl}${path}`);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect({ path, scrollWidth }).toEqual({ path, scrollWidth: clientWidth });
      expect(clientWidth).toBeLessThanOrEqual(PHONE.width);
    }
    // The list's table scrolls inside its own container, never the page.
    await page.goto(`${baseUrl}/licenses`);
    const box = await page.locator('.table-responsive').evaluate((el) => ({
      overflowX: getComputedStyle(el).overflowX,
      right: el.getBoundingClientRect().right,
    }));
    expect(box.overflowX).toBe('auto');
    expect(box.right).toBeLessThanOrEqual(PHONE.width);
  });
});

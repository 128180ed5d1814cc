import { EntityManager } from '@mikro-orm/better-sqlite';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { createLicense, createOrganization, createPerson, createProduct } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { browserSuite, checkA11y, expectHeading, signInThroughForm } from '../utils/browser';
import { createOperator, type TestApp } from '../utils/test-app';

const PRODUCT = 'SeatDesk Endpoint Security for Opticians';

// An org admin adds seats to a license and pays by invoice, downloads the
// invoice's PDF, turns auto-renew off and renews early; the dashboard shows
// the license as it now is.
describe('billing in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let page: Page;
  browserSuite({}, (s) => ({ t, baseUrl, page } = s));

  let admin: { email: string; password: string };
  let licenseId: string;

  const sql = (query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute(query, params));

  beforeAll(async () => {
    await createOperator(t); // setup is done
    const org = await createOrganization(t.app, 'Clearview Opticians');
    admin = await createPerson(t.app, { role: 'admin', organization: org, name: 'Oona Okafor' });
    // Billed in Germany: the quote and the invoice carry 19 % VAT.
    await sql(`insert into tax_rates (country, rate_bp, label, updated_at) values ('DE', 1900, 'VAT', 0)`);
    await sql(
      `insert into billing_profiles (organization_id, company_name, country, updated_at) values (?, ?, 'DE', 0)`,
      org.id,
      'Clearview Optik GmbH',
    );
    const product = await createProduct(t.app, { name: PRODUCT, sku: 'SD-ES-OPT' });
    // EUR 30.00 a seat for 12 months (the default plan), 100 days left.
    licenseId = (
      await createLicense(t.app, { organization: org, product, seats: 25, expiresInDays: 100, autoRenew: true })
    ).license.id;
  });

  /** Confirms the open quote, paying by invoice; returns the invoice number the flash names. */
  async function payByInvoice(total: string): Promise<string> {
    await page.getByRole('radio', { name: 'Pay by invoice' }).check();
    await Promise.all([
      page.waitForURL((url) => /^\/billing\/invoices\/[0-9a-f-]{36}$/.test(url.pathname)),
      page.getByRole('button', { name: `Confirm and pay ${total}` }).click(),
    ]);
    const flash = (await page.getByRole('status').textContent())?.trim() ?? '';
    const number = /invoice (INV-2026-\d{6}) is due by/.exec(flash)?.[1];
    expect({ flash, number }).toEqual({ flash: expect.stringContaining('Order placed: invoice INV-2026-'), number });
    return number!;
  }

  it('adds seats, pays by invoice, downloads the PDF, turns auto-renew off and renews early', async () => {
    await signInThroughForm(page, baseUrl, admin.email, admin.password);
    await page.goto(`${baseUrl}/licenses/${licenseId}`);
    await expectHeading(page, PRODUCT);

    // Add 3 seats: priced for the rest of the term, 101 of 365 days (today counts).
    await page.getByRole('link', { name: 'Add seats' }).click();
    await expectHeading(page, 'Add seats');
    // No seats is refused beside the field, and the form keeps what was entered.
    await page.getByLabel('Seats to add').fill('0');
    await page.getByRole('button', { name: 'See the price' }).click();
    await page.locator('#field-seats-error', { hasText: 'Enter how many seats to add, 1 to 10000.' }).waitFor();
    expect(await page.getByLabel('Seats to add').getAttribute('aria-invalid')).toBe('true');
    await checkA11y(page, 'a refused add-seats form');
    await page.getByLabel('Seats to add').fill('3');
    await Promise.all([
      page.waitForURL((url) => /^\/billing\/orders\/[0-9a-f-]{36}$/.test(url.pathname)),
      page.getByRole('button', { name: 'See the price' }).click(),
    ]);
    await expectHeading(page, 'Quote: add seats');
    const cells = (await page.locator('[data-line] td').allTextContents()).map((c) => c.trim());
    expect(cells).toEqual([expect.stringContaining('3 more seats'), '3', 'EUR 8.30', 'EUR 24.90']);
    expect(cells[0]).toContain('101 of 365 days');
    expect((await page.locator('[data-subtotal]').textContent())?.trim()).toBe('EUR 24.90');
    expect((await page.locator('[data-tax]').textContent())?.trim()).toBe('EUR 4.73');
    expect((await page.locator('[data-total]').textContent())?.trim()).toBe('EUR 29.63');
    expect((await page.locator('[data-after-seats]').textContent())?.trim()).toBe('28 seats');
    expect((await page.locator('[data-after-expiry]').textContent())?.trim()).toBe('6 Mar 2027');
    await checkA11y(page, 'an add-seats quote');

    const first = await payByInvoice('EUR 29.63');
    await expectHeading(page, `Invoice ${first}`);
    expect((await page.locator('[data-invoice-number]').textContent())?.trim()).toBe(first);
    expect((await page.locator('[data-buyer]').textContent()) ?? '').toContain('Clearview Optik GmbH');
    expect((await page.locator('[data-total]').textContent())?.trim()).toBe('EUR 29.63');
    expect((await page.locator('[data-state]').textContent())?.trim()).toBe('Open');
    await checkA11y(page, 'an invoice');

    // Printed, the page is the invoice alone: no navigation, no header, no flash.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: 'Download PDF' }).isVisible()).toBe(false);
    expect(await page.locator('[data-invoice-number]').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);

    // The PDF arrives as a download named after the invoice.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${first}.pdf`);
    const pdf = await readFile(await download.path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Back on the license: the seats are there; auto-renew goes off.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Licenses' }).click();
    await page.waitForURL(`${baseUrl}/licenses`);
    await page.locator(`tr[data-license="${licenseId}"]`).getByRole('link', { name: PRODUCT }).click();
    await page.waitForURL(`${baseUrl}/licenses/${licenseId}`);
    expect(await page.locator('[data-seats] progress').getAttribute('aria-label')).toBe('0 of 28 used');
    await page.getByRole('button', { name: 'Turn auto-renew off' }).click();
    await page.waitForURL(`${baseUrl}/licenses/${licenseId}`);
    expect(await page.getByRole('status').textContent()).toContain(
      `Auto-renew is off: ${PRODUCT} ends at its expiry unless you renew it.`,
    );
    expect((await page.locator('[data-auto-renew]').textContent())?.trim()).toBe('Off');

    // A few minutes later, renew early: the new term starts where the current one ends.
    t.clock.advance(5 * 60);
    await page.getByRole('link', { name: 'Renew early' }).click();
    await expectHeading(page, 'Renew early');
    await Promise.all([
      page.waitForURL((url) => /^\/billing\/orders\/[0-9a-f-]{36}$/.test(url.pathname)),
      page.getByRole('button', { name: 'See the price' }).click(),
    ]);
    await expectHeading(page, 'Quote: renew early');
    // 28 seats × EUR 30.00 = EUR 840.00, + 19 % VAT.
    expect((await page.locator('[data-total]').textContent())?.trim()).toBe('EUR 999.60');
    expect((await page.locator('[data-after-seats]').textContent())?.trim()).toBe('28 seats');
    expect((await page.locator('[data-after-expiry]').textContent())?.trim()).toBe('6 Mar 2028');
    await checkA11y(page, 'a renewal quote');
    const second = await payByInvoice('EUR 999.60');
    expect(Number(second.slice(-6))).toBe(Number(first.slice(-6)) + 1);

    // The billing history lists both invoices, newest first.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'History' }).click();
    await expectHeading(page, 'Billing history');
    expect((await page.locator('tr[data-invoice] td:first-child a').allTextContents()).map((n) => n.trim())).toEqual([
      second,
      first,
    ]);
    await checkA11y(page, 'the billing history');

    // The dashboard's subscriptions card: 28 seats, and 466 days to 6 Mar 2028 (100 + 366, a leap year).
    await page.getByRole('link', { name: 'SeatDesk', exact: true }).click();
    await page.waitForURL(`${baseUrl}/dashboard`);
    const card = page.locator(`[data-subscriptions] [data-license="${licenseId}"]`);
    expect((await card.locator('[data-seats]').textContent())?.trim()).toBe('0 of 28 used');
    expect((await card.locator('[data-days-left]').textContent())?.trim()).toBe('466 days left');
    expect((await card.locator('[data-expires]').textContent())?.trim()).toBe('6 Mar 2028');
    await card.getByRole('link', { name: new RegExp(PRODUCT) }).click();
    await page.waitForURL(`${baseUrl}/licenses/${licenseId}`);
    expect((await page.locator('time[title]', { hasText: '2028' }).textContent())?.trim()).toBe('6 Mar 2028');
    expect((await page.locator('[data-auto-renew]').textContent())?.trim()).toBe('Off');
  });
});

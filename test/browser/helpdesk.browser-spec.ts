import type { Page } from 'playwright-core';
import { createOrganization, createPerson, randomPassword } from '../../seeds/factories';
import { browserSuite, checkA11y, expectHeading, signInThroughForm } from '../utils/browser';
import { createOperator, type TestApp } from '../utils/test-app';

const MAX_FAILURES = 3;

describe('helpdesk in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let page: Page;
  browserSuite({ env: { LOCKOUT_MAX_FAILURES: String(MAX_FAILURES) } }, (s) => ({ t, baseUrl, page } = s));

  async function failSignIn(email: string) {
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(`wrong-${randomPassword()}`);
    await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/login')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await page.waitForLoadState();
  }

  it('finds a locked person, unlocks them with a reason, and they sign in', async () => {
    await createOperator(t);
    const org = await createOrganization(t.app, 'Northwind Clinic');
    const locked = await createPerson(t.app, { organization: org, name: 'Maren Lockwood' });
    const agent = await createPerson(t.app, { role: 'helpdesk', name: 'Hana Helpdesk' });
    for (let i = 0; i < MAX_FAILURES; i++) await failSignIn(locked.email);
    await page.context().clearCookies();

    await signInThroughForm(page, baseUrl, agent.email, agent.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
    await page.waitForURL(`${baseUrl}/admin/users`);
    await page.getByLabel('Find a person in any organization').fill('lockw');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'lockw');
    const row = page.locator('tbody tr', { hasText: 'Maren Lockwood' });
    expect(await row.locator('[data-state]').textContent()).toBe('Locked');
    expect(await row.locator('[data-organization]').textContent()).toBe('Northwind Clinic');
    await checkA11y(page, 'helpdesk search results');

    await row.getByRole('link', { name: 'Maren Lockwood' }).click();
    await expectHeading(page, 'Maren Lockwood');
    expect(await page.locator('[data-status]').textContent()).toContain(`after ${MAX_FAILURES} failed sign-ins`);
    await checkA11y(page, 'account health');

    await page.getByRole('link', { name: "They can't sign in…" }).click();
    await expectHeading(page, "Can't sign in: Maren Lockwood");
    // Without the checklist the unlock is refused beside the boxes.
    await page.getByLabel('How did you verify who they are?').selectOption({ label: 'Verified by phone call-back' });
    await page.getByRole('button', { name: 'Unlock account' }).click();
    await page.waitForSelector('.app-error-summary');
    expect(await page.locator('#field-confirmedIdentity-error').isVisible()).toBe(true);
    await checkA11y(page, 'guided check refused');

    await page.getByLabel(/They told me their full name/).check();
    await page.getByLabel(/I reached them myself/).check();
    await page.getByLabel(/^Note/).fill('Ticket 9001');
    await page.getByRole('button', { name: 'Unlock account' }).click();
    await page.waitForURL(`${baseUrl}/admin/users/${locked.person.id}`);
    expect(await page.getByRole('status').textContent()).toContain("Maren Lockwood's account is unlocked");
    expect(await page.locator('#security-changes').textContent()).toContain('Verified by phone call-back: Ticket 9001');

    await page.context().clearCookies();
    await signInThroughForm(page, baseUrl, locked.email, locked.password);
  });
});

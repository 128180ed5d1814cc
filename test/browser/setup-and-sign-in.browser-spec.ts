import type { Page } from 'playwright-core';
import { browserSuite, checkA11y, expectHeading, expectPath } from '../utils/browser';

const OPERATOR = {
  orgName: 'Northwind Security',
  name: 'Olive Operator',
  email: 'olive@northwind.test',
  password: 'tangerine-quartz-meadow-81',
};

// One app and one browser for the file; the tests run in order and build on
// each other: setup first, then everything a signed-in operator sees.
describe('first run, sign-in and sign-out in a real browser', () => {
  let baseUrl: string;
  let page: Page;
  // Each test starts signed out.
  browserSuite({}, (s) => ({ baseUrl, page } = s));

  it('walks a fresh install from / through setup, sign-in, the dashboard and sign-out', async () => {
    await page.goto(`${baseUrl}/`);
    await expectPath(page, '/setup');
    await expectHeading(page, 'Set up SeatDesk');
    await checkA11y(page, 'setup');

    await page.getByLabel('Organization name').fill(OPERATOR.orgName);
    await page.getByLabel('Your name').fill(OPERATOR.name);
    await page.getByLabel('Email address').fill(OPERATOR.email);
    await page.getByLabel('Password', { exact: true }).fill(OPERATOR.password);
    await page.getByLabel('Confirm password').fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Create operator account' }).click();

    await expectPath(page, '/login');
    await expectText(page.getByRole('status'), 'Your operator account is ready. Sign in to continue.');
    await checkA11y(page, 'login with the setup flash');

    // Keyboard only: the email field has focus on arrival, Tab to the
    // password, Enter submits.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-email');
    await page.keyboard.type(OPERATOR.email);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-password');
    await page.keyboard.type(OPERATOR.password);
    await page.keyboard.press('Enter');

    await expectPath(page, '/dashboard');
    await expectHeading(page, 'Dashboard');
    await expectText(page.locator('main'), `Welcome, ${OPERATOR.name}`);
    await checkA11y(page, 'dashboard');

    const menu = page.locator('details.app-user-menu');
    await expectText(menu.locator('summary'), OPERATOR.name);
    const signOut = page.getByRole('button', { name: 'Sign out' });
    expect(await signOut.isVisible()).toBe(false);
    await menu.locator('summary').click();
    expect(await signOut.isVisible()).toBe(true);
    await signOut.click();

    await expectPath(page, '/login');
    await expectText(page.getByRole('status'), 'You have signed out.');

    await page.goto(`${baseUrl}/dashboard`);
    await expectPath(page, '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dashboard');
    await expectHeading(page, 'Sign in');
  });

  it('keeps the email and shows the alert after a wrong password', async () => {
    await page.goto(`${baseUrl}/login`);
    await checkA11y(page, 'login (empty)');
    await page.getByLabel('Email address').fill(OPERATOR.email);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password-at-all');
    const [response] = await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/login')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(response.status()).toBe(401);

    const alert = page.locator('.alert-danger');
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toMatch(/\S/);
    expect(await page.getByLabel('Email address').inputValue()).toBe(OPERATOR.email);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await checkA11y(page, 'login with an error');
  });

  it('shows the Caps Lock hint while Caps Lock is on in the password field', async () => {
    await page.goto(`${baseUrl}/login`);
    const password = page.getByLabel('Password', { exact: true });
    const hint = page.locator('#caps-lock-hint');
    await password.focus();
    expect(await hint.isVisible()).toBe(false);

    // Headless Chromium ignores a CapsLock key press for getModifierState
    // (checked: it stays false), so the test sends the key event a real
    // keyboard produces with Caps Lock on, and then one with it off.
    const keydown = (capsLock: boolean) =>
      password.evaluate((input, on) => {
        const init = { key: on ? 'A' : 'a', bubbles: true, modifierCapsLock: on } as KeyboardEventInit;
        input.dispatchEvent(new KeyboardEvent('keydown', init));
      }, capsLock);

    await keydown(true);
    expect(await hint.isVisible()).toBe(true);
    expect(await hint.textContent()).toContain('Caps Lock is on');
    await keydown(false);
    expect(await hint.isVisible()).toBe(false);

    await keydown(true);
    await page.getByLabel('Email address').focus();
    expect(await hint.isVisible()).toBe(false);
  });

  describe('signed in as the operator', () => {
    beforeEach(async () => {
      await page.goto(`${baseUrl}/login`);
      await page.getByLabel('Email address').fill(OPERATOR.email);
      await page.getByLabel('Password', { exact: true }).fill(OPERATOR.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectPath(page, '/dashboard');
    });

    it('passes axe on the account page, the organization list and a rejected new-organization form', async () => {
      // The account is in the person menu, not the main navigation.
      await page.locator('details.app-user-menu summary').click();
      await page.locator('details.app-user-menu').getByRole('link', { name: 'Account' }).click();
      await expectPath(page, '/account');
      await expectHeading(page, 'Account');
      await checkA11y(page, 'account');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
      await expectPath(page, '/admin/organizations');
      await expectText(page.locator('tbody'), OPERATOR.orgName);
      await checkA11y(page, 'organizations list');

      await page.getByRole('link', { name: 'New organization' }).click();
      await expectPath(page, '/admin/organizations/new');
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.waitForSelector('.app-error-summary');
      expect(await page.getByLabel('Organization name').getAttribute('aria-invalid')).toBe('true');
      await checkA11y(page, 'new organization with a validation error');
    });

    it('shows a 404 page that passes axe', async () => {
      const response = await page.goto(`${baseUrl}/no-such-page`);
      expect(response?.status()).toBe(404);
      await expectHeading(page, /not found/i);
      await checkA11y(page, '404 page');

      const unknownOrg = await page.goto(`${baseUrl}/admin/organizations/00000000-0000-4000-8000-000000000000/edit`);
      expect(unknownOrg?.status()).toBe(404);
    });
  });
});

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.first().waitFor();
  expect(await locator.first().textContent()).toContain(text);
}

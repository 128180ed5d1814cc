import type { BrowserContext, Page } from 'playwright-core';
import { createOrganization, createPerson } from '../../seeds/factories';
import { totpCode } from '../../src/modules/auth/two-factor/totp';
import { browserSuite, checkA11y, expectPath, signInThroughForm } from '../utils/browser';
import { createOperator, type TestApp } from '../utils/test-app';

// The server runs on the test app's FixedClock, and codes are computed from
// that same clock, like an authenticator app whose time agrees with the server.
describe('two-factor sign-in in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let context: BrowserContext;
  let page: Page;
  browserSuite({}, (s) => ({ t, baseUrl, context, page } = s));
  beforeAll(() => createOperator(t));

  const codeNow = (secret: string) => totpCode(secret, t.clock.now());

  it('enrols by reading the secret from the page, then signs in with a computed code', async () => {
    const org = await createOrganization(t.app);
    const member = await createPerson(t.app, { role: 'member', organization: org });
    await signInThroughForm(page, baseUrl, member.email, member.password);

    await page.locator('details.app-user-menu summary').click();
    await page.locator('details.app-user-menu').getByRole('link', { name: 'Security' }).click();
    await expectPath(page, '/account/security');
    expect(await page.locator('#two-factor .badge').textContent()).toBe('Off');
    await checkA11y(page, 'security page (two-factor off)');

    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await expectPath(page, '/account/2fa/setup');
    const qr = page.getByRole('img', { name: /QR code/ });
    expect(await qr.isVisible()).toBe(true);
    // The QR code is a real image the browser decoded (not blocked by the CSP).
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const secret = (await page.locator('#totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await checkA11y(page, 'two-factor setup');

    // A wrong code: the same page again, the message beside the field.
    const field = page.getByLabel('Code from the app');
    expect(await field.getAttribute('inputmode')).toBe('numeric');
    expect(await field.getAttribute('autocomplete')).toBe('one-time-code');
    await field.fill(await totpCode(secret, new Date(+t.clock.now() + 120_000)));
    const [refused] = await Promise.all([
      page.waitForResponse((res) => res.url().endsWith('/account/2fa/enable')),
      page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    expect(await page.getByLabel('Code from the app').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#field-code-error').textContent()).toContain('That code is not right');
    expect((await page.locator('#totp-secret').textContent())!.trim()).toBe(secret);
    await checkA11y(page, 'two-factor setup with a wrong code');

    await page.getByLabel('Code from the app').fill(await codeNow(secret));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.locator('.recovery-code').first().waitFor();
    const codes = await page.locator('.recovery-code').allTextContents();
    expect(codes).toHaveLength(10);
    await checkA11y(page, 'recovery codes');

    await page.getByRole('link', { name: 'Back to security' }).click();
    await expectPath(page, '/account/security');
    expect(await page.locator('#two-factor .badge').textContent()).toBe('On');
    expect(await page.locator('#recovery-codes .badge').textContent()).toBe('10 of 10 left');
    await checkA11y(page, 'security page (two-factor on)');

    await page.getByRole('link', { name: 'Turn off two-factor' }).click();
    await expectPath(page, '/account/2fa/disable');
    await checkA11y(page, 'turn off two-factor');

    // Sign out, then in again: the password, then a code from the "app".
    await page.goto(`${baseUrl}/dashboard`);
    await page.locator('details.app-user-menu summary').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expectPath(page, '/login');

    await page.getByLabel('Email address').fill(member.email);
    await page.getByLabel('Password', { exact: true }).fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectPath(page, '/login/2fa');
    expect(await page.locator('h1').textContent()).toBe('Two-factor sign-in');
    // Nothing of the account shows while the code is pending.
    expect(await page.locator('details.app-user-menu').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-code');
    await checkA11y(page, '/login/2fa');

    await page.getByLabel('Code').fill('000000');
    const [wrong] = await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/login/2fa')),
      page.getByRole('button', { name: 'Verify and sign in' }).click(),
    ]);
    expect(wrong.status()).toBe(401);
    expect(await page.getByRole('alert').textContent()).toContain('That code did not work');
    await checkA11y(page, '/login/2fa with a wrong code');

    // Enrolment used this step's code: the app shows the next one.
    t.clock.advance(30);
    await page.getByLabel('Code').fill(await codeNow(secret));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expectPath(page, '/dashboard');
    expect(await page.locator('details.app-user-menu summary').textContent()).toContain(member.person.name);
  });

  it('lets an organization admin require two-factor, and holds a member at enrolment', async () => {
    const org = await createOrganization(t.app);
    const admin = await createPerson(t.app, { role: 'admin', organization: org });
    const member = await createPerson(t.app, { role: 'member', organization: org });
    await signInThroughForm(page, baseUrl, admin.email, admin.password);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization settings' }).click();
    await expectPath(page, '/org/settings');
    await checkA11y(page, 'organization settings');
    await page.getByLabel(/Require two-factor sign-in/).check();
    await page.getByRole('button', { name: 'Save two-factor setting' }).click();
    await expectPath(page, '/org/settings');
    expect(await page.getByRole('status').textContent()).toContain('Two-factor sign-in is required.');
    expect(await page.getByLabel(/Require two-factor sign-in/).isChecked()).toBe(true);

    await context.clearCookies();
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('Email address').fill(member.email);
    await page.getByLabel('Password', { exact: true }).fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectPath(page, '/account/security');
    expect(await page.getByRole('alert').textContent()).toContain('Your organization requires two-factor sign-in.');
    await checkA11y(page, 'security page at enrolment');
    await page.goto(`${baseUrl}/dashboard`);
    await expectPath(page, '/account/security');

    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const secret = (await page.locator('#totp-secret').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(await codeNow(secret));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.locator('.recovery-code').first().waitFor();
    await page.getByRole('link', { name: 'Continue to the dashboard' }).click();
    await expectPath(page, '/dashboard');
  });
});

import type { Browser, Page } from 'playwright-core';
import { createPerson, type CreatedPerson } from '../../seeds/factories';
import { MailService } from '../../src/platform/mail/mail.service';
import { browserSuite, checkA11y, expectHeading, signInThroughForm } from '../utils/browser';
import { linkTo, mailFiles } from '../utils/mail';
import { createOperator, type TestApp } from '../utils/test-app';

const NEW_PASSWORD = 'saffron-glacier-tandem-58';

// One app and one browser for the file; each test signs in a person of its own.
describe('account details in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let page: Page;
  let person: CreatedPerson;
  browserSuite({}, (s) => ({ t, browser, baseUrl, page } = s));

  beforeAll(() => createOperator(t));
  beforeEach(async () => {
    person = await createPerson(t.app, { role: 'member', name: 'Bea Browser' });
    await signInThroughForm(page, baseUrl, person.email, person.password);
  });

  it('changes the password from /account, with a live strength meter, then signs in with the new one', async () => {
    await page.goto(`${baseUrl}/account`);
    await expectHeading(page, 'Account');
    await checkA11y(page, '/account');
    // A refused form comes back within the whole page, its message beside the field.
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('#field-name-error').textContent()).toBe('Enter your name.');
    await checkA11y(page, '/account with an error');

    await page.getByRole('link', { name: 'Change password' }).click();
    await page.waitForURL(`${baseUrl}/account/password`);
    await expectHeading(page, 'Change your password');
    await checkA11y(page, '/account/password');

    const meter = page.locator('meter#field-newPassword-strength');
    expect(await meter.isVisible()).toBe(false);
    await page.getByLabel('Current password').fill(person.password);
    await page.getByLabel('New password', { exact: true }).pressSequentially('abc');
    expect(await meter.isVisible()).toBe(true);
    expect(await page.locator('#field-newPassword-strength-text').textContent()).toContain('Too short');
    const weak = await meter.evaluate((m: HTMLMeterElement) => m.value);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password', { exact: true }).dispatchEvent('input');
    const strong = await meter.evaluate((m: HTMLMeterElement) => m.value);
    expect(strong).toBeGreaterThan(weak);
    await checkA11y(page, '/account/password with the meter');

    // A refused try: the reason beside the field, and the server's verdict in the meter.
    await page.getByLabel('Type the new password again').fill(`${NEW_PASSWORD}-typo`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('#field-confirmPassword-error').textContent()).toBe(
      'The two new passwords are not the same.',
    );
    await checkA11y(page, '/account/password with an error');

    await page.getByLabel('Current password').fill(person.password);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(`${baseUrl}/account`);
    expect(await page.getByRole('status').first().textContent()).toContain('Your password was changed.');

    await page.locator('details.app-user-menu summary').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await signInThroughForm(page, baseUrl, person.email, NEW_PASSWORD);
  });

  it('asks for the password again after 15 minutes, then returns to the account page', async () => {
    t.clock.advance(16 * 60);
    await page.goto(`${baseUrl}/account`);
    await page.getByLabel('Phrase').fill('sixteen minutes later');
    await page.getByRole('button', { name: 'Save phrase' }).click();
    await page.waitForURL((url) => url.pathname === '/account/confirm');
    await expectHeading(page, 'Confirm your password');
    await checkA11y(page, '/account/confirm');

    await page.getByLabel('Password', { exact: true }).fill(`${person.password}-wrong`);
    await page.getByRole('button', { name: 'Confirm password' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('#field-password-error').textContent()).toContain('This password is not right.');
    await checkA11y(page, '/account/confirm with an error');

    await page.getByLabel('Password', { exact: true }).fill(person.password);
    await page.getByRole('button', { name: 'Confirm password' }).click();
    await page.waitForURL(`${baseUrl}/account`);
    await page.getByLabel('Phrase').fill('sixteen minutes later');
    await page.getByRole('button', { name: 'Save phrase' }).click();
    await page.waitForURL(`${baseUrl}/account`);
    expect(await page.getByRole('status').first().textContent()).toContain('Your security phrase was saved.');
  });

  it('changes the email address from the link in the mail: the page it opens asks, its button confirms', async () => {
    const newEmail = `moved.${person.email}`;
    await page.goto(`${baseUrl}/account`);
    await page.getByLabel('New email address').fill(newEmail);
    await page.getByRole('button', { name: 'Change email address' }).click();
    await page.waitForURL(`${baseUrl}/account`);

    // The link from the .eml the file transport wrote.
    await t.app.get(MailService).whenIdle();
    const [mail] = (await mailFiles(t.dataDir)).filter((m) => m.to.includes(newEmail));
    const link = linkTo(mail, '/account/email/confirm');
    expect(link.origin).toBe(baseUrl);
    await page.goto(link.href);
    await expectHeading(page, 'Confirm your new email address');
    expect(await page.locator('strong', { hasText: newEmail }).count()).toBe(1);
    await checkA11y(page, '/account/email/confirm');

    await page.getByRole('button', { name: 'Confirm email address' }).click();
    await page.waitForURL(`${baseUrl}/account`);
    expect(await page.getByRole('status').first().textContent()).toContain(`Your email address is now ${newEmail}.`);
  });

  it('lists the sessions and the activity, accessibly, and reaches them from the person menu', async () => {
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signInThroughForm(otherPage, baseUrl, person.email, person.password);
    await other.close();

    await page.goto(`${baseUrl}/account/sessions`);
    await expectHeading(page, 'Signed-in sessions');
    expect(await page.getByText('This browser').count()).toBe(1);
    await checkA11y(page, '/account/sessions');
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.waitForURL(`${baseUrl}/account/sessions`);
    expect(await page.getByRole('status').first().textContent()).toContain('Signed out one other session.');

    await page.locator('details.app-user-menu summary').click();
    await page.getByRole('link', { name: 'Activity' }).click();
    await page.waitForURL(`${baseUrl}/account/activity`);
    await expectHeading(page, 'Account activity');
    expect(await page.getByText('New browser').count()).toBeGreaterThanOrEqual(1);
    await checkA11y(page, '/account/activity');
  });
});

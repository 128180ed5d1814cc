import type { Page } from 'playwright-core';
import { createPerson, type CreatedPerson } from '../../seeds/factories';
import { MailService } from '../../src/platform/mail/mail.service';
import { browserSuite, checkA11y, expectHeading } from '../utils/browser';
import { linkTo, mailFiles, type ParsedMail } from '../utils/mail';
import { createOperator, type TestApp } from '../utils/test-app';

// A person who forgot their password, and one locked out by wrong guesses,
// each getting back in through the link in the email the file transport
// wrote (SMTP_URL unset): ${DATA_DIR}/mail/*.eml.

const NEW_PASSWORD = 'juniper-orbit-cascade-58';

describe('getting back into an account in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let page: Page;
  browserSuite({ env: { LOCKOUT_MAX_FAILURES: '3' } }, (s) => ({ t, baseUrl, page } = s));

  /** The newest message to `to` whose subject matches, from the .eml files. */
  const mailTo = async (to: string, subject: RegExp): Promise<ParsedMail> => {
    await t.app.get(MailService).whenIdle();
    const mails = (await mailFiles(t.dataDir)).filter((mail) => mail.to.includes(to) && subject.test(mail.subject));
    if (mails.length === 0) throw new Error(`No mail to ${to} with a subject like ${subject}`);
    return mails[mails.length - 1];
  };

  const resetLinkIn = (mail: ParsedMail): string => {
    const link = linkTo(mail, '/reset-password');
    expect(link.origin).toBe(baseUrl);
    expect(link.searchParams.get('token')).toMatch(/^[\w-]{43}$/);
    return link.href;
  };

  const submitLogin = async (email: string, password: string) => {
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    const [response] = await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/login')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    return response.status();
  };

  /** On the page the mail's link opens: choose the new password and land on sign-in. */
  const chooseNewPassword = async (link: string) => {
    await page.goto(link);
    await expectHeading(page, 'Choose a new password');
    await checkA11y(page, 'reset password form');

    // A guessable password is refused beside the field, and the link still works.
    await page.getByLabel('New password', { exact: true }).fill('password1234');
    await page.getByLabel('Confirm new password').fill('password1234');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForSelector('#field-password.is-invalid');
    expect(await page.locator('#field-password-error').textContent()).toContain('too easy to guess');
    expect(await page.locator('[data-strength-text]').textContent()).toContain('not strong enough');
    expect(await page.getByLabel('New password', { exact: true }).inputValue()).toBe('');
    await checkA11y(page, 'reset password form with a refused password');

    // With JavaScript the meter follows the typing.
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    expect(await page.locator('[data-strength]').isVisible()).toBe(true);
    expect(await page.locator('[data-strength-text]').textContent()).not.toContain('not strong enough');
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    expect(await page.getByRole('status').first().textContent()).toContain('Your password has been changed');
  };

  const signInWithNewPassword = async (p: CreatedPerson) => {
    await page.getByLabel('Email address').fill(p.email);
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.getByRole('button', { name: 'Sign in' }).click()]);
    await expectHeading(page, 'Dashboard');
  };

  beforeAll(() => createOperator(t));

  it('resets a forgotten password from the emailed link and signs in with the new one', async () => {
    const p = await createPerson(t.app, { role: 'member' });
    await page.goto(`${baseUrl}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL((url) => url.pathname === '/forgot-password');
    await expectHeading(page, 'Reset your password');
    await checkA11y(page, 'forgot password');

    await page.getByLabel('Email address').fill(p.email.toUpperCase());
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await page.waitForURL((url) => url.pathname === '/forgot-password' && url.search === '?sent=1');
    await expectHeading(page, 'Check your email');
    await checkA11y(page, 'reset link sent');

    const mail = await mailTo(p.email, /^Reset your SeatDesk password$/);
    await chooseNewPassword(resetLinkIn(mail));
    await checkA11y(page, 'sign-in after the reset');
    expect(await submitLogin(p.email, p.password)).toBe(401);
    await signInWithNewPassword(p);

    // The link was single use.
    await page.goto(resetLinkIn(mail));
    await expectHeading(page, 'This link no longer works');
    await checkA11y(page, 'used reset link');
    await page.getByRole('link', { name: 'Ask for a new link' }).click();
    await page.waitForURL((url) => url.pathname === '/forgot-password');
  });

  it('recovers a locked account through the link in the lockout email', async () => {
    const p = await createPerson(t.app, { role: 'member' });
    await page.goto(`${baseUrl}/login`);
    for (let i = 0; i < 3; i++) expect(await submitLogin(p.email, `not-my-password-${i}`)).toBe(401);
    // Locked: the right password gets the same answer as a wrong one.
    expect(await submitLogin(p.email, p.password)).toBe(401);
    expect(await page.locator('.alert-danger').textContent()).toContain('The email address or password is not right');

    const mail = await mailTo(p.email, /^Your SeatDesk account is locked until /);
    expect(mail.text).toMatch(/from the address \S*127\.0\.0\.1/);
    await chooseNewPassword(resetLinkIn(mail));
    await signInWithNewPassword(p);
  });
});

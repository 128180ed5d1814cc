import type { Page } from 'playwright-core';
import { createOrganization, createPerson } from '../../seeds/factories';
import { MailService } from '../../src/platform/mail/mail.service';
import { browserSuite, checkA11y, expectHeading, signInThroughForm } from '../utils/browser';
import { mailFiles } from '../utils/mail';
import { createOperator, type TestApp } from '../utils/test-app';

const PASSWORD = 'meadow-copper-signal-31';

// An organization admin invites a member by email; the member opens the
// emailed link (the file transport's .eml), chooses a name and password,
// and signs in.
describe('inviting a member in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let page: Page;
  browserSuite({}, (s) => ({ t, baseUrl, page } = s));

  beforeAll(() => createOperator(t));

  it('an org admin invites a member, who accepts and signs in', async () => {
    const org = await createOrganization(t.app, 'Lantern Works');
    const admin = await createPerson(t.app, { role: 'admin', organization: org, name: 'Ada Admin' });
    await signInThroughForm(page, baseUrl, admin.email, admin.password);

    await page.goto(`${baseUrl}/org/users`);
    await page.getByRole('link', { name: 'Invite a person' }).click();
    await expectHeading(page, 'Invite a person');
    await checkA11y(page, 'invite form');
    await page.getByLabel('Email address').fill('mia@example.test');
    await page.getByLabel('Role').selectOption('member');
    await Promise.all([
      page.waitForURL(/\/org\/users\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Send invitation' }).click(),
    ]);
    expect(await page.getByRole('status').first().textContent()).toContain(
      'An invitation is on its way to mia@example.test',
    );
    expect(await page.locator('[data-state="invited"]').textContent()).toBe('Invited');
    await checkA11y(page, 'invited person page');

    await t.app.get(MailService).whenIdle();
    const [mail] = (await mailFiles(t.dataDir)).filter((m) => m.to.includes('mia@example.test'));
    const link = mail.links.find((href) => new URL(href).pathname.startsWith('/invitations/'));
    expect(link?.startsWith(`${baseUrl}/invitations/`)).toBe(true);

    await page.context().clearCookies();
    await page.goto(link!);
    await expectHeading(page, 'Accept your invitation');
    expect(await page.locator('body').textContent()).toContain('Lantern Works');
    await checkA11y(page, 'accept invitation form');
    await page.getByLabel('Your name').fill('Mia Member');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/login'),
      page.getByRole('button', { name: 'Create my account' }).click(),
    ]);
    expect(await page.getByRole('status').first().textContent()).toContain('Welcome, Mia Member');

    await page.getByLabel('Email address').fill('mia@example.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.getByRole('button', { name: 'Sign in' }).click()]);
    await expectHeading(page, 'Dashboard');
  });

  it('shows the people pages and the invitation page without sideways scrolling at 360 px', async () => {
    const org = await createOrganization(t.app, 'Regional Veterinary Clinics Cooperative of the Northern Valleys');
    const admin = await createPerson(t.app, { role: 'admin', organization: org });
    await signInThroughForm(page, baseUrl, admin.email, admin.password);
    await page.setViewportSize({ width: 360, height: 740 });
    const fits = async (path: string) => {
      await page.goto(`${baseUrl}${path}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ path, width }).toEqual({ path, width: 360 });
    };
    for (const path of ['/org/users', '/org/users/invite', '/org/users/import']) await fits(path);
    await page.goto(`${baseUrl}/org/users/invite`);
    await page.getByLabel('Email address').fill('narrow@example.test');
    await Promise.all([
      page.waitForURL(/\/org\/users\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Send invitation' }).click(),
    ]);
    await fits(new URL(page.url()).pathname);
    await t.app.get(MailService).whenIdle();
    const [mail] = (await mailFiles(t.dataDir)).filter((m) => m.to.includes('narrow@example.test'));
    const link = mail.links.find((href) => new URL(href).pathname.startsWith('/invitations/'))!;
    await page.context().clearCookies();
    await fits(new URL(link).pathname);
  });
});

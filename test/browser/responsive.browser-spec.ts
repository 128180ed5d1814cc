import type { BrowserContext, Page } from 'playwright-core';
import { createLicense, createOrganization, createPerson, createProduct } from '../../seeds/factories';
import { DevicesService } from '../../src/modules/devices/devices.service';
import { withContext } from '../../src/platform/database/request-context';
import { browserSuite, signInThroughForm } from '../utils/browser';
import { createOperator, type TestApp } from '../utils/test-app';

const PHONE = { width: 360, height: 740 };

describe('at 360 px wide', () => {
  let t: TestApp;
  let baseUrl: string;
  let context: BrowserContext;
  let page: Page;
  // Signed in once, for the whole file.
  browserSuite(
    { context: { viewport: PHONE, isMobile: true, hasTouch: true }, keepCookies: true },
    (s) => ({ t, baseUrl, context, page } = s),
  );

  beforeAll(async () => {
    // Long names and a second page, so the table and the pagination both show.
    for (let i = 0; i < 30; i++) {
      await createOrganization(t.app, `Regional Veterinary Clinics Cooperative of the Northern Valleys ${i}`);
    }
    const operator = await createPerson(t.app, {
      role: 'operator',
      name: 'Maximiliana Wolfeschlegelsteinhausen-Bergerdorff',
    });
    const signIn = await context.newPage();
    await signInThroughForm(signIn, baseUrl, operator.email, operator.password);
    await signIn.close();
  });

  it.each([
    ['the dashboard', '/dashboard'],
    ['the organization list', '/admin/organizations'],
    ['the staff list', '/admin/staff'],
    ['the account page', '/account'],
    ['the helpdesk search', '/admin/users?q=maximiliana'],
    ['the jobs page', '/admin/jobs'],
    ['the audit log', '/admin/audit'],
    ['the mail outbox', '/admin/mail'],
    ['the license list', '/admin/licenses'],
    ['the new-license form', '/admin/licenses/new'],
    ['the catalog', '/admin/catalog'],
    ['the new-product form', '/admin/catalog/new'],
    ['the invoices', '/admin/billing'],
    ['the seller and tax settings', '/admin/billing/settings'],
    ['the renewals', '/admin/renewals'],
    ['the support queue', '/admin/support'],
    ['the knowledge base articles', '/admin/kb'],
    ['the knowledge base', '/kb'],
  ])('shows %s without sideways page scrolling', async (_name, path) => {
    await page.goto(`${baseUrl}${path}`);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(clientWidth).toBeLessThanOrEqual(PHONE.width);
    expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
  });

  it('lets the organization table scroll inside its own container', async () => {
    await page.goto(`${baseUrl}/admin/organizations`);
    const box = await page.locator('.table-responsive').evaluate((el) => ({
      overflowX: getComputedStyle(el).overflowX,
      right: el.getBoundingClientRect().right,
    }));
    expect(box.overflowX).toBe('auto');
    expect(box.right).toBeLessThanOrEqual(PHONE.width);
    expect(await page.getByRole('link', { name: 'Next' }).isVisible()).toBe(true);
  });

  it('keeps every navigation link and the person menu on screen and reachable by Tab', async () => {
    await page.goto(`${baseUrl}/dashboard`);
    const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    const hrefs = await nav.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual([
      '/dashboard',
      '/admin/organizations',
      '/admin/licenses',
      '/admin/renewals',
      '/admin/catalog',
      '/admin/downloads',
      '/admin/billing',
      '/admin/users',
      '/admin/support',
      '/admin/kb',
      '/admin/staff',
      '/admin/audit',
      '/admin/mail',
      '/admin/jobs',
      '/admin/plugins',
      '/plugins/live-chat/console',
      '/plugins/webhooks',
    ]);

    for (let i = 0; i < hrefs.length; i++) {
      const link = nav.nth(i);
      expect(await link.isVisible()).toBe(true);
      const box = await link.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    }
    const summary = page.locator('details.app-user-menu > summary');
    const summaryBox = await summary.boundingBox();
    expect(summaryBox!.x + summaryBox!.width).toBeLessThanOrEqual(PHONE.width);

    // Tab from the top of the page: skip link, brand, person menu, then the navigation.
    const reached: string[] = [];
    await page.locator('body').focus();
    // Skip link, brand, person menu, then every navigation link.
    for (let i = 0; i < hrefs.length + 4; i++) {
      await page.keyboard.press('Tab');
      reached.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el) return '';
          return el.tagName === 'SUMMARY' ? 'summary' : (el.getAttribute('href') ?? el.tagName.toLowerCase());
        }),
      );
    }
    expect(reached).toContain('#main');
    expect(reached).toContain('summary');
    for (const href of hrefs) expect(reached).toContain(href);

    // The person menu opens from the keyboard and its sign-out button fits.
    await summary.focus();
    await page.keyboard.press('Enter');
    const signOut = page.getByRole('button', { name: 'Sign out' });
    expect(await signOut.isVisible()).toBe(true);
    const signOutBox = await signOut.boundingBox();
    expect(signOutBox!.x).toBeGreaterThanOrEqual(0);
    expect(signOutBox!.x + signOutBox!.width).toBeLessThanOrEqual(PHONE.width);
  });
});

describe('an organization admin at 360 px wide', () => {
  let t: TestApp;
  let baseUrl: string;
  let context: BrowserContext;
  let page: Page;
  let memberPath: string;
  browserSuite(
    { context: { viewport: PHONE, isMobile: true, hasTouch: true }, keepCookies: true },
    (s) => ({ t, baseUrl, context, page } = s),
  );

  beforeAll(async () => {
    await createOperator(t); // setup is done
    const org = await createOrganization(t.app, 'Regional Veterinary Clinics Cooperative of the Northern Valleys');
    const admin = await createPerson(t.app, {
      role: 'admin',
      organization: org,
      name: 'Maximiliana Wolfeschlegelsteinhausen-Bergerdorff',
    });
    const member = await createPerson(t.app, {
      role: 'member',
      organization: org,
      email: 'bartholomew.featherstonehaugh-cholmondeley@northern-valleys-veterinary.example',
    });
    memberPath = `/org/users/${member.person.id}`;
    // The dashboard's cards with long names: a license expiring soon (its alert), a device needing attention.
    const product = await createProduct(t.app, { name: 'Endpoint Protection Advanced for Veterinary Practices' });
    const { license } = await createLicense(t.app, { organization: org, product, seats: 250, expiresInDays: 12 });
    await withContext(t.app, () =>
      t.app.get(DevicesService).addByHand(
        { organizationId: org.id },
        {
          name: 'Reception-Workstation-Northern-Valleys-01',
          platform: 'windows',
          licenseId: license.id,
          ownerId: null,
        },
      ),
    );
    const signIn = await context.newPage();
    await signInThroughForm(signIn, baseUrl, admin.email, admin.password);
    await signIn.close();
  });

  it.each([
    ['the dashboard', () => '/dashboard'],
    ['the people list', () => '/org/users'],
    ['a filtered people list', () => '/org/users?status=active&twoFactor=off&sort=lastSignIn'],
    ['a person', () => memberPath],
    ['the disable confirmation', () => `${memberPath}/disable`],
    ['the organization settings', () => '/org/settings'],
    ['the billing page', () => '/billing'],
    ['the new-card form', () => '/billing/payment-methods/new'],
    ['the billing history', () => '/billing/history'],
    ['the support tickets', () => '/support'],
    ['the new-ticket form', () => '/support/new'],
  ])('shows %s without sideways page scrolling', async (_name, path) => {
    await page.goto(`${baseUrl}${path()}`);
    const { scrollWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
  });
});

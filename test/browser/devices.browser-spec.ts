import type { Page } from 'playwright-core';
import { createLicense, createOrganization, createPerson, createProduct } from '../../seeds/factories';
import { DevicesService } from '../../src/modules/devices/devices.service';
import { withContext } from '../../src/platform/database/request-context';
import { browserSuite, checkA11y, expectHeading, signInThroughForm } from '../utils/browser';
import { createOperator, type TestApp } from '../utils/test-app';

// The seats flow: an org admin sees the dashboard, reveals the product key, a device's agent
// activates with it through the API and shows protected; when its heartbeats
// stop it goes at risk with the reason; the admin removes it and the seat is
// free again.
describe('devices in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let page: Page;
  browserSuite({ env: { ACTIVATION_RATE_LIMIT: '1000' } }, (s) => ({ t, baseUrl, page } = s));

  let admin: { email: string; password: string };
  let licenseId: string;

  beforeAll(async () => {
    await createOperator(t);
    const org = await createOrganization(t.app, 'Harbour Dental Group');
    admin = await createPerson(t.app, { role: 'admin', organization: org, name: 'Ines Carvalho' });
    const product = await createProduct(t.app, {
      name: 'SeatDesk Endpoint Security',
      sku: 'SD-ES-HD',
      agentVersion: '12.8.0',
    });
    licenseId = (await createLicense(t.app, { organization: org, product, seats: 3 })).license.id;
  });

  const api = (path: string, body: unknown, token?: string) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it('a device activated with the revealed key is protected, goes at risk when silent, and is removed', async () => {
    await signInThroughForm(page, baseUrl, admin.email, admin.password);
    await page.goto(`${baseUrl}/licenses/${licenseId}`);
    await page.getByRole('button', { name: 'Reveal key' }).click();
    const key = (await page.locator('[data-product-key]').textContent())!.trim();

    // The agent on the reception PC activates with the key the admin read out.
    const activation = await api('/api/v1/activations', {
      productKey: key,
      deviceName: 'RECEPTION-01',
      platform: 'windows',
      fingerprint: 'bios-5cd4-7712-aa01',
    });
    expect(activation.status).toBe(201);
    const { deviceToken } = (await activation.json()) as { deviceToken: string };
    expect(
      (await api('/api/v1/heartbeat', { agentVersion: '12.8.0', signaturesVersion: '2026.12.04' }, deviceToken)).status,
    ).toBe(204);

    // The dashboard's protection card counts it, and its number opens the list behind it.
    await page.goto(`${baseUrl}/dashboard`);
    const card = page.locator('#widget-protection');
    await expect(card.getByRole('img')).toBeDefined();
    expect((await card.locator('[data-count="protected"]').textContent())?.trim()).toBe('1');
    await checkA11y(page, '/dashboard');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await page.waitForURL(`${baseUrl}/devices`);
    await expectHeading(page, 'Devices');
    const row = page.locator('tbody tr', { hasText: 'RECEPTION-01' });
    expect((await row.locator('[data-state]').textContent())?.trim()).toBe('Protected');
    expect((await page.locator('[data-count="protected"]').textContent())?.trim()).toBe('1');
    await checkA11y(page, '/devices');

    // A day and an hour without a heartbeat: the stale job marks it at risk, and says why.
    t.clock.advance(25 * 3600);
    await withContext(t.app, () => t.app.get(DevicesService).markStale());
    // The session ended meanwhile (idle timeout): sign in again.
    await page.context().clearCookies();
    await signInThroughForm(page, baseUrl, admin.email, admin.password);
    await page.goto(`${baseUrl}/devices`);
    expect((await row.locator('[data-state]').textContent())?.trim()).toBe('At risk');
    expect((await row.locator('[data-reason]').textContent())?.trim()).toBe('Not seen for 1 day.');

    await row.getByRole('link', { name: 'RECEPTION-01' }).click();
    await expectHeading(page, 'RECEPTION-01');
    await page.getByRole('link', { name: 'Remove device…' }).click();
    await expectHeading(page, 'RECEPTION-01');
    await Promise.all([
      page.waitForURL(`${baseUrl}/devices`),
      page.getByRole('button', { name: 'Remove device' }).click(),
    ]);
    expect(await page.getByRole('status').textContent()).toContain(
      'RECEPTION-01 was removed and its seat is free again.',
    );
    expect(await page.locator('tbody tr').count()).toBe(0);

    await page.goto(`${baseUrl}/licenses/${licenseId}`);
    expect((await page.locator('[data-seats]').textContent())?.trim()).toContain('0 of 3 used');
    // The removed device's agent is turned away.
    expect((await api('/api/v1/heartbeat', { agentVersion: '12.8.0' }, deviceToken)).status).toBe(401);
  });

  it('works at 360 px: the device list scrolls inside its card, not the page', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await signInThroughForm(page, baseUrl, admin.email, admin.password);
    for (const path of ['/devices', '/devices/new', '/devices/seats', '/devices/reclaim']) {
      await page.goto(`${baseUrl}${path}`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect({ path, overflow }).toEqual({ path, overflow: 0 });
    }
  });
});

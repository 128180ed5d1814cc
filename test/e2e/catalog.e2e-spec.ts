import { checkedValues, fieldError, flashMessages, tableRows, textsOf } from '../utils/html';
import type { Client } from '../utils/http';
import { createTestApp, signedIn, type TestApp } from '../utils/test-app';

// Operators keep the product catalog: products, plans and upgrade paths.
describe('catalog (/admin/catalog)', () => {
  let t: TestApp;
  let operator: Client;

  beforeAll(async () => {
    t = await createTestApp();
    operator = (await signedIn(t, 'operator')).client;
  });
  afterAll(() => t.close());

  const newProduct = (fields: Record<string, string | string[]>) =>
    operator.agent.get('/admin/catalog/new').then((form) =>
      operator.agent
        .post('/admin/catalog')
        .type('form')
        .send({
          name: 'Total Security',
          sku: 'ts-1',
          platforms: ['windows', 'android'],
          agentVersion: '24.3.1',
          edition: 'Standard',
          seats: '5',
          termMonths: '12',
          pricePerSeat: '39.99',
          currency: 'EUR',
          ...fields,
          _csrf: /name="_csrf" value="([^"]+)"/.exec(form.text)![1],
        })
        .redirects(0),
    );

  it('adds a product with its first plan, priced in minor units', async () => {
    const res = await newProduct({});
    expect(res.status).toBe(303);
    const page = await operator.get(res.headers.location);
    expect(flashMessages(page.text)).toContain('Total Security (TS-1) was added to the catalog with its first plan.');
    expect(checkedValues(page.text, 'platforms')).toEqual(['windows', 'android']);
    expect(tableRows(page.text)[0]).toEqual(['Standard, 1 year', '5', 'EUR 39.99', 'None']);
    const list = await operator.get('/admin/catalog');
    expect(textsOf(list.text, 'tbody td a')).toContain('Total Security');
  });

  it('refuses bad input beside each field, keeping what was typed', async () => {
    const res = await newProduct({
      sku: 'TS-1',
      platforms: ['windows', 'beos'],
      agentVersion: 'latest',
      pricePerSeat: '39.999',
      seats: '0',
    });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'agentVersion')).toBe('Enter the agent version as numbers with dots, like 8.2.1.');
    expect(fieldError(res.text, 'pricePerSeat')).toBe('Enter the price per seat, like 29.99.');
    const dup = await newProduct({ sku: 'ts-1' });
    expect(dup.status).toBe(400);
    expect(fieldError(dup.text, 'sku')).toBe('A product with the SKU TS-1 exists already.');
    const platforms = await newProduct({ sku: 'TS-2', platforms: ['beos'] });
    expect(platforms.status).toBe(400);
    expect(fieldError(platforms.text, 'platforms')).toContain('Unknown platform “beos”');
    const none = await newProduct({ sku: 'TS-3', platforms: [] });
    expect(none.status).toBe(400);
    expect(fieldError(none.text, 'platforms')).toBe('Choose at least one platform.');
  });

  it('adds plans and upgrade paths, and edits the product', async () => {
    const created = await newProduct({ sku: 'ES-1', name: 'Endpoint Security' });
    const path = created.headers.location as string;
    expect(
      (
        await operator.submit(
          path,
          { edition: 'Business', seats: '25', termMonths: '36', pricePerSeat: '86.4', currency: 'EUR' },
          `${path}/plans`,
        )
      ).status,
    ).toBe(303);
    const same = await operator.submit(
      path,
      { edition: 'Business', seats: '25', termMonths: '36', pricePerSeat: '86.4', currency: 'EUR' },
      `${path}/plans`,
    );
    expect(same.status).toBe(400);
    expect(fieldError(same.text, 'edition')).toBe('Endpoint Security has a Business plan for 36 months already.');

    let page = await operator.get(path);
    const plans = [...page.text.matchAll(/data-plan="([^"]+)"/g)].map((m) => m[1]);
    expect(plans).toHaveLength(2);
    expect((await operator.submit(path, { fromPlanId: plans[0], toPlanId: plans[1] }, `${path}/upgrades`)).status).toBe(
      303,
    );
    const self = await operator.submit(path, { fromPlanId: plans[0], toPlanId: plans[0] }, `${path}/upgrades`);
    expect(self.status).toBe(400);
    expect(fieldError(self.text, 'toPlanId')).toBe('Choose a different plan to upgrade to.');
    page = await operator.get(path);
    expect(tableRows(page.text)[0][3]).toBe('Business, 3 years');

    const edit = await operator.submit(path, {
      name: 'Endpoint Security Pro',
      platforms: 'macos',
      agentVersion: '12.9',
    });
    expect(edit.status).toBe(303);
    page = await operator.get(path);
    expect(checkedValues(page.text, 'platforms')).toEqual(['macos']);
    expect(page.text).toContain('Endpoint Security Pro');
  });

  it('is the operators’ only', async () => {
    for (const role of ['admin', 'member', 'helpdesk'] as const) {
      const { client } = await signedIn(t, role);
      expect((await client.get('/admin/catalog')).status).toBe(403);
    }
  });
});

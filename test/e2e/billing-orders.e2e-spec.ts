import { EntityManager } from '@mikro-orm/better-sqlite';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths';
import { createLicense, createOrganization, createProduct } from '../../seeds/factories';
import { FixedClock } from '../../src/common/clock';
import type { Organization } from '../../src/modules/organizations/organization.entity';
import { LicensesService } from '../../src/modules/licenses/licenses.service';
import { withContext } from '../../src/platform/database/request-context';
import { fieldError, flashMessages, textOf, textsOf } from '../utils/html';
import { asBytes, type Client } from '../utils/http';
import { pdfTextRuns } from '../utils/pdf';
import { createTestApp, signedIn, type TestApp } from '../utils/test-app';

const DAY = 86_400;

// Orders: an org admin asks for a quote (add seats, renew early, upgrade),
// confirms it with a card or by invoice, and gets a numbered invoice; the
// renew-due job renews licenses with auto-renew on; operators mark invoices
// paid, void them or refund them with a credit note.
describe('billing orders and invoices (/billing/orders, /billing/history, /admin/billing)', () => {
  let t: TestApp;
  let operator: Client;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const license = async (id: string) =>
    (
      await sql<{ seats: number; expiresAt: number; status: string; planId: string }>(
        'select seats, expires_at as expiresAt, status, plan_id as planId from licenses where id = ?',
        id,
      )
    )[0];
  const addCard = async (org: Organization, last4: string, isDefault = true) => {
    const id = randomUUID();
    await sql(
      `insert into payment_methods (id, organization_id, brand, last4, exp_month, exp_year, holder_name, provider,
         is_default, created_at) values (?, ?, 'Visa', ?, 12, 2030, 'Ada Admin', 'test', ?, ?)`,
      id,
      org.id,
      last4,
      isDefault ? 1 : 0,
      +t.clock.now(),
    );
    return id;
  };
  const quote = async (client: Client, licenseId: string, kind: string, fields: Record<string, string> = {}) => {
    const res = await client.submit(
      `/billing/orders/new?license=${licenseId}&kind=${kind}`,
      { licenseId, kind, ...fields },
      '/billing/orders/new',
    );
    expect(res.status).toBe(303);
    return res.headers.location as string;
  };
  const confirm = (client: Client, orderPath: string, paymentMethod: string) =>
    client.submit(orderPath, { paymentMethod }, `${orderPath}/confirm`);

  beforeAll(async () => {
    t = await createTestApp();
    operator = (await signedIn(t, 'operator')).client;
    await sql(`insert into tax_rates (country, rate_bp, label, updated_at) values ('DE', 1900, 'VAT', 0)`);
  });
  afterAll(() => t.close());

  async function setup(name: string, days = 100) {
    const org = await createOrganization(t.app, name);
    await sql(
      `insert into billing_profiles (organization_id, company_name, country, updated_at) values (?, ?, 'DE', 0)`,
      org.id,
      `${name} GmbH`,
    );
    const product = await createProduct(t.app, { name: 'Endpoint Security' });
    const { license: created } = await createLicense(t.app, {
      organization: org,
      product,
      seats: 5,
      expiresInDays: days,
    });
    const admin = await signedIn(t, 'admin', { organization: org });
    return { org, product, license: created, admin: admin.client };
  }

  it('adds seats prorated to the day, taxed at the buyer country’s rate, and issues an open invoice', async () => {
    const { license: l, admin } = await setup('Prorate');
    const orderPath = await quote(admin, l.id, 'add_seats', { seats: '3' });
    const page = await admin.get(orderPath);
    expect(page.status).toBe(200);
    // 101 of 365 days left (today counts): EUR 30.00 × 101/365 = EUR 8.30 a seat.
    expect(textsOf(page.text, '[data-line] td').slice(0, 4)).toEqual([
      expect.stringContaining('3 more seats for the rest of the term, 101 of 365 days'),
      '3',
      'EUR 8.30',
      'EUR 24.90',
    ]);
    expect(textOf(page.text, '[data-tax]')).toBe('EUR 4.73');
    expect(textOf(page.text, '[data-total]')).toBe('EUR 29.63');
    expect(textOf(page.text, '[data-after-seats]')).toBe('8 seats');
    expect(await license(l.id)).toMatchObject({ seats: 5 });

    const placed = await confirm(admin, orderPath, 'invoice');
    expect(placed.status).toBe(303);
    const invoicePage = await admin.get(placed.headers.location);
    expect(flashMessages(invoicePage.text).join(' ')).toMatch(
      /Order placed: invoice INV-2026-\d{6} is due by 2026-12-10/,
    );
    expect(await license(l.id)).toMatchObject({ seats: 8, status: 'active' });
    const [invoice] = await sql<{ number: string; status: string; total: number; buyer: string }>(
      `select number, status, total_minor as total, buyer from invoices where organization_id = (select organization_id from licenses where id = ?)`,
      l.id,
    );
    expect(invoice).toMatchObject({ status: 'open', total: 2963 });
    expect(JSON.parse(invoice.buyer)).toMatchObject({ name: 'Prorate GmbH', country: 'DE' });

    // Confirming again (a double click) gives the same invoice, not a second one.
    const again = await confirm(admin, orderPath, 'invoice');
    expect(again.status).toBe(303);
    expect((await sql('select id from invoices where number = ?', invoice.number)).length).toBe(1);
    expect(await license(l.id)).toMatchObject({ seats: 8 });

    // The printable page and the PDF show the invoice as issued.
    expect(textOf(invoicePage.text, 'h1, .page-title')).toContain(invoice.number);
    expect(invoicePage.text).toContain('Prorate GmbH');
    const pdf = await admin.get(`${placed.headers.location}/pdf`).buffer(true).parse(asBytes);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`${invoice.number}.pdf`);
    const pdfText = pdfTextRuns(pdf.body as Buffer).join(' ');
    expect(pdfText).toContain(invoice.number);
    expect(pdfText).toContain('EUR 29.63');

    const history = await admin.get('/billing/history');
    expect(textsOf(history.text, '[data-invoice] td a')).toEqual([invoice.number]);
    const csv = await admin.get('/billing/history.csv?show=invoices');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain(`${invoice.number},invoice,`);
    expect(csv.text).toContain(',EUR,29.63,open,');
    const events = await sql<{ kind: string }>(
      'select kind from license_events where license_id = ? order by id',
      l.id,
    );
    expect(events.map((e) => e.kind)).toContain('seats_added');
  });

  it('renews early from the old expiry with a card; a declined card leaves everything as it was', async () => {
    const { org, license: l, admin } = await setup('Renewer');
    const before = await license(l.id);
    const declined = await addCard(org, '0002');
    const orderPath = await quote(admin, l.id, 'renew');
    const refused = await confirm(admin, orderPath, declined);
    expect(refused.status).toBe(400);
    expect(fieldError(refused.text, 'paymentMethod')).toContain('The card was declined.');
    expect(await license(l.id)).toEqual(before);
    expect(await sql('select id from invoices where organization_id = ?', org.id)).toHaveLength(0);
    expect(
      await sql(`select id from audit_entries where action = 'payment.failed' and organization_id = ?`, org.id),
    ).toHaveLength(1);

    const good = await addCard(org, '4242', false);
    const placed = await confirm(admin, orderPath, good);
    expect(placed.status).toBe(303);
    const after = await license(l.id);
    // The new term starts where the old one ended: no day is lost by renewing early.
    expect(new Date(after.expiresAt).toISOString()).toBe(
      new Date(Date.UTC(2028, 2, 6, 10)).toISOString(), // 2027-03-06 10:00 + 12 months
    );
    const [payment] = await sql<{ provider: string; status: string; methodLabel: string }>(
      'select provider, status, method_label as methodLabel from payments where organization_id = ?',
      org.id,
    );
    expect(payment).toEqual({ provider: 'test', status: 'captured', methodLabel: 'Visa •••• 4242' });
    const [invoice] = await sql<{ status: string }>('select status from invoices where organization_id = ?', org.id);
    expect(invoice.status).toBe('paid');
  });

  it('numbers 20 concurrent orders’ invoices without a gap or a duplicate', async () => {
    const { license: l, admin } = await setup('Concurrent');
    const paths: string[] = [];
    for (let i = 0; i < 20; i++) paths.push(await quote(admin, l.id, 'renew'));
    // Each renewal quote was for the same term: the first to commit wins, the others are refused.
    const results = await Promise.all(paths.map((path) => confirm(admin, path, 'invoice')));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    const numbers = (
      await sql<{ number: string }>(`select number from invoices where kind = 'invoice' order by number`)
    ).map((row) => Number(row.number.slice(-6)));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));

    // Twenty organizations ordering at once: twenty invoices, numbered on without a gap.
    const setups = await Promise.all(Array.from({ length: 20 }, (_, i) => setup(`Parallel ${i}`)));
    const quotes = await Promise.all(setups.map((s) => quote(s.admin, s.license.id, 'add_seats', { seats: '1' })));
    const placed = await Promise.all(setups.map((s, i) => confirm(s.admin, quotes[i], 'invoice')));
    expect(placed.map((r) => r.status)).toEqual(Array(20).fill(303));
    const all = (
      await sql<{ number: string }>(`select number from invoices where kind = 'invoice' order by number`)
    ).map((row) => Number(row.number.slice(-6)));
    expect(all).toEqual(all.map((_, i) => i + 1));
    expect(new Set(all).size).toBe(all.length);
  });

  it('upgrades a plan, crediting what is left of the current term to the day', async () => {
    const { product, license: l, admin } = await setup('Upgrader', 73);
    const { CatalogService } = await import('../../src/modules/catalog/catalog.service');
    const premium = await withContext(t.app, () =>
      t.app.get(CatalogService).addPlan(product.id, {
        edition: 'Premium',
        seats: 5,
        termMonths: 12,
        pricePerSeat: '50.00',
        currency: 'EUR',
      }),
    );
    await withContext(t.app, () => t.app.get(CatalogService).addUpgrade(product.id, l.planId, premium.id));
    const orderPath = await quote(admin, l.id, 'upgrade', { planId: premium.id });
    const page = await admin.get(orderPath);
    const cells = textsOf(page.text, '[data-line] td');
    expect(cells.slice(0, 4)).toEqual([expect.stringContaining('Premium'), '5', 'EUR 50.00', 'EUR 250.00']);
    // 74 of 365 days left of the Standard term: EUR 30.00 × 74/365 = EUR 6.08 a seat credited.
    expect(cells.slice(4, 8)).toEqual([expect.stringContaining('74 of 365 days'), '5', 'EUR -6.08', 'EUR -30.40']);
    expect(textOf(page.text, '[data-subtotal]')).toBe('EUR 219.60');
    expect((await confirm(admin, orderPath, 'invoice')).status).toBe(303);
    expect(await license(l.id)).toMatchObject({ planId: premium.id, seats: 5 });
  });

  it('a quote runs out at the end of its day', async () => {
    const { org, license: l, admin: before } = await setup('Stale');
    const orderPath = await quote(before, l.id, 'add_seats', { seats: '1' });
    t.clock.advance(DAY);
    const admin = (await signedIn(t, 'admin', { organization: org })).client;
    // The page offers no form any more; the request is made anyway.
    const late = await admin.submit(`/licenses/${l.id}`, { paymentMethod: 'invoice' }, `${orderPath}/confirm`);
    expect(late.status).toBe(409);
    expect(late.text).toContain('This quote ran out');
    expect(await license(l.id)).toMatchObject({ seats: 5 });
    // Never confirmed, it is pruned 30 days after it ran out; placed orders stay.
    const { OrdersService } = await import('../../src/modules/billing/orders.service');
    const prune = () => withContext(t.app, () => t.app.get(OrdersService).pruneQuotes());
    const quoteId = orderPath.split('/').pop();
    t.clock.advance(29 * DAY);
    await prune();
    expect(await sql('select id from orders where id = ?', quoteId)).toHaveLength(1);
    t.clock.advance(2 * DAY);
    await prune();
    expect(await sql('select id from orders where id = ?', quoteId)).toHaveLength(0);
    expect((await sql<{ n: number }>(`select count(*) as n from orders where status = 'placed'`))[0].n).toBeGreaterThan(
      0,
    );
  });

  it('auto-renews at expiry once, and a failed payment sends the license into grace and tells the admins', async () => {
    const renewing = await setup('Auto', 2);
    const failing = await setup('Autofail', 2);
    await sql('update licenses set auto_renew = 1 where id in (?, ?)', renewing.license.id, failing.license.id);
    await addCard(renewing.org, '4242');
    await addCard(failing.org, '0002');
    const expiry = (await license(renewing.license.id)).expiresAt;
    t.clock.advance(3 * DAY);
    const run = () => withContext(t.app, () => t.app.get(LicensesService).lapseDue());
    const counts = await run();
    expect(counts).toMatchObject({ renewed: 1, renewalFailed: 1 });
    const renewed = await license(renewing.license.id);
    expect(renewed.status).toBe('active');
    expect(new Date(renewed.expiresAt).getUTCFullYear()).toBe(new Date(expiry).getUTCFullYear() + 1);
    expect(await license(failing.license.id)).toMatchObject({ status: 'grace', expiresAt: expiry });
    // Twice: nothing more.
    await run();
    expect(await sql('select id from orders where license_id = ?', renewing.license.id)).toHaveLength(1);
    expect(await sql('select id from invoices where organization_id = ?', renewing.org.id)).toHaveLength(1);
    const mails = await sql<{ subject: string }>(
      `select subject from mail_messages where subject like '%could not be renewed%'`,
    );
    expect(mails.length).toBeGreaterThanOrEqual(1);
    const events = await sql<{ kind: string }>(
      'select kind from license_events where license_id = ? order by id',
      renewing.license.id,
    );
    expect(events.map((e) => e.kind)).toEqual(['created', 'renewed']);
  });

  it('operators mark paid, void and refund with a credit note; others are refused', async () => {
    const { org, license: l, admin } = await setup('Ops');
    // Earlier tests moved the clock past the first operator's session.
    operator = (await signedIn(t, 'operator')).client;
    await confirm(admin, await quote(admin, l.id, 'add_seats', { seats: '2' }), 'invoice');
    const [invoice] = await sql<{ id: string; number: string }>(
      'select id, number from invoices where organization_id = ?',
      org.id,
    );
    const list = await operator.get('/admin/billing?status=open');
    expect(list.status).toBe(200);
    expect(textsOf(list.text, '[data-invoice] td a')).toContain(invoice.number);
    expect((await admin.get('/admin/billing')).status).toBe(403);

    const paid = await operator.submit(
      `/admin/billing/invoices/${invoice.id}`,
      {},
      `/admin/billing/invoices/${invoice.id}/mark-paid`,
    );
    expect(paid.status).toBe(303);
    const voidPaid = await operator.submit(
      `/admin/billing/invoices/${invoice.id}`,
      { reason: 'Wrong' },
      `/admin/billing/invoices/${invoice.id}/void`,
    );
    expect(voidPaid.status).toBe(409);
    const refund = await operator.submit(
      `/admin/billing/invoices/${invoice.id}`,
      { reason: 'Customer asked' },
      `/admin/billing/invoices/${invoice.id}/refund`,
    );
    expect(refund.status).toBe(303);
    const [note] = await sql<{ number: string; total: number }>(
      `select number, total_minor as total from invoices where credits_invoice_id = ?`,
      invoice.id,
    );
    expect(note.number).toMatch(/^CN-2026-\d{6}$/);
    expect(note.total).toBeLessThan(0);
    const twice = await operator.submit(
      `/admin/billing/invoices/${invoice.id}`,
      { reason: 'Again' },
      `/admin/billing/invoices/${invoice.id}/refund`,
    );
    expect(twice.status).toBe(409);
  });

  it('renewing in grace keeps the original dates; an expired license renews from today', async () => {
    const grace = await setup('Grace', -3);
    const expired = await setup('Lapsed', -30);
    await withContext(t.app, () => t.app.get(LicensesService).lapseDue());
    expect(await license(grace.license.id)).toMatchObject({ status: 'grace' });
    expect(await license(expired.license.id)).toMatchObject({ status: 'expired' });
    const graceExpiry = (await license(grace.license.id)).expiresAt;
    expect((await confirm(grace.admin, await quote(grace.admin, grace.license.id, 'renew'), 'invoice')).status).toBe(
      303,
    );
    const renewed = await license(grace.license.id);
    expect(renewed.status).toBe('active');
    // The new term starts where the old one ended, not today: the days in grace are not given away.
    expect(new Date(renewed.expiresAt).toISOString().slice(0, 10)).toBe(
      new Date(
        Date.UTC(
          new Date(graceExpiry).getUTCFullYear() + 1,
          new Date(graceExpiry).getUTCMonth(),
          new Date(graceExpiry).getUTCDate(),
        ),
      )
        .toISOString()
        .slice(0, 10),
    );
    expect(
      (await confirm(expired.admin, await quote(expired.admin, expired.license.id, 'renew'), 'invoice')).status,
    ).toBe(303);
    const restarted = await license(expired.license.id);
    expect(restarted.status).toBe('active');
    const today = new Date(+t.clock.now());
    expect(new Date(restarted.expiresAt).toISOString().slice(0, 10)).toBe(
      new Date(Date.UTC(today.getUTCFullYear() + 1, today.getUTCMonth(), today.getUTCDate() - 1))
        .toISOString()
        .slice(0, 10),
    );
    const history = await sql<{ kind: string; fromStatus: string; toStatus: string }>(
      'select kind, from_status as fromStatus, to_status as toStatus from license_events where license_id = ? order by id',
      grace.license.id,
    );
    expect(history.map((e) => [e.kind, e.fromStatus, e.toStatus])).toEqual([
      ['created', null, 'grace'],
      ['renewed', 'grace', 'active'],
    ]);
  });

  it('an invoice keeps the buyer as at issue when the billing details change later', async () => {
    const { org, license: l, admin } = await setup('Snapshot');
    const placed = await confirm(admin, await quote(admin, l.id, 'add_seats', { seats: '1' }), 'invoice');
    await sql(`update billing_profiles set company_name = 'Renamed AG' where organization_id = ?`, org.id);
    const page = await admin.get(placed.headers.location);
    expect(page.text).toContain('Snapshot GmbH');
    expect(page.text).not.toContain('Renamed AG');
  });

  it('members and helpdesk are refused; another organization’s license, order and invoice are not found', async () => {
    const mine = await setup('Mine');
    const theirs = await setup('Theirs');
    const theirOrder = await quote(theirs.admin, theirs.license.id, 'add_seats', { seats: '1' });
    await confirm(theirs.admin, theirOrder, 'invoice');
    const [theirInvoice] = await sql<{ id: string }>(
      'select id from invoices where organization_id = ?',
      theirs.org.id,
    );
    const member = (await signedIn(t, 'member', { organization: mine.org })).client;
    const helpdesk = (await signedIn(t, 'helpdesk')).client;
    for (const client of [member, helpdesk]) {
      for (const path of ['/billing/history', `/billing/orders/new?license=${mine.license.id}&kind=renew`]) {
        expect((await client.get(path)).status).toBe(403);
      }
    }
    expect((await mine.admin.get(`/billing/orders/new?license=${theirs.license.id}&kind=renew`)).status).toBe(404);
    expect((await mine.admin.get(theirOrder)).status).toBe(404);
    expect((await mine.admin.get(`/billing/invoices/${theirInvoice.id}`)).status).toBe(404);
    expect((await mine.admin.get(`/billing/invoices/${theirInvoice.id}/pdf`)).status).toBe(404);
    const forged = await mine.admin.submit(
      `/billing/orders/new?license=${mine.license.id}&kind=renew`,
      { licenseId: theirs.license.id, kind: 'renew' },
      '/billing/orders/new',
    );
    expect(forged.status).toBe(404);
  });
});

describe('a payment provider plugin', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('takes the card payments, and each payment names it', async () => {
    t = await createTestApp({ PLUGINS: 'hello' }, { pluginsDir: join(PROJECT_ROOT, 'test/fixtures/plugins') });
    await signedIn(t, 'operator'); // an install with no operator shows its setup page instead
    const org = await createOrganization(t.app, 'Plugged');
    const { license: l } = await createLicense(t.app, { organization: org, seats: 5 });
    const admin = (await signedIn(t, 'admin', { organization: org })).client;
    const added = await admin.submit(
      '/billing/payment-methods/new',
      { holderName: 'Ada Admin', cardNumber: '4242 4242 4242 4242', expiry: '12/30', cvc: '123' },
      '/billing/payment-methods',
    );
    expect(added.status).toBe(303);
    const sql = <T>(query: string, ...params: unknown[]) =>
      withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
    const [card] = await sql<{ id: string; provider: string }>(
      'select id, provider from payment_methods where organization_id = ?',
      org.id,
    );
    expect(card.provider).toBe('hello-pay');
    const started = await admin.submit(
      `/billing/orders/new?license=${l.id}&kind=renew`,
      { licenseId: l.id, kind: 'renew' },
      '/billing/orders/new',
    );
    const placed = await admin.submit(
      started.headers.location,
      { paymentMethod: card.id },
      `${started.headers.location}/confirm`,
    );
    expect(placed.status).toBe(303);
    const invoice = await admin.get(placed.headers.location);
    expect(textOf(invoice.text, '[data-payment]')).toContain('Visa •••• 4242 · Hello Pay · EUR 150.00');
    const [payment] = await sql<{ provider: string; status: string }>(
      'select provider, status from payments where organization_id = ?',
      org.id,
    );
    expect(payment).toEqual({ provider: 'hello-pay', status: 'captured' });
  });
});

describe('proration on month ends and leap days', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('prices seats for the rest of a monthly term to the day, in February of a leap year', async () => {
    t = await createTestApp({}, { clock: new FixedClock(Date.parse('2028-02-15T12:00:00Z')) });
    await signedIn(t, 'operator');
    const org = await createOrganization(t.app, 'Leap');
    const product = await createProduct(t.app, { name: 'Mobile Security' });
    const { CatalogService } = await import('../../src/modules/catalog/catalog.service');
    const monthly = await withContext(t.app, () =>
      t.app.get(CatalogService).addPlan(product.id, {
        edition: 'Monthly',
        seats: 1,
        termMonths: 1,
        pricePerSeat: '29.00',
        currency: 'EUR',
      }),
    );
    const { license: l } = await withContext(t.app, () =>
      t.app.get(LicensesService).create({
        organizationId: org.id,
        productId: product.id,
        planId: monthly.id,
        seats: 2,
        expiresAt: Date.parse('2028-02-29T23:59:59.999Z'),
      }),
    );
    const admin = (await signedIn(t, 'admin', { organization: org })).client;
    const started = await admin.submit(
      `/billing/orders/new?license=${l.id}&kind=add_seats`,
      { licenseId: l.id, kind: 'add_seats', seats: '1' },
      '/billing/orders/new',
    );
    const quote = await admin.get(started.headers.location as string);
    // The term is February 2028: 29 days; 15 of them are left, today included. EUR 29.00 × 15/29 = EUR 15.00.
    expect(textsOf(quote.text, '[data-line] td').slice(0, 4)).toEqual([
      expect.stringContaining('15 of 29 days to 2028-02-29'),
      '1',
      'EUR 15.00',
      'EUR 15.00',
    ]);
    // Renewing a term that ends on the last day of February ends on the last day of March.
    const renewal = await admin.submit(
      `/billing/orders/new?license=${l.id}&kind=renew`,
      { licenseId: l.id, kind: 'renew' },
      '/billing/orders/new',
    );
    const renewQuote = await admin.get(renewal.headers.location as string);
    expect(textOf(renewQuote.text, '[data-line] td')).toContain('1 month, 2028-03-01 to 2028-03-31');
  });
});

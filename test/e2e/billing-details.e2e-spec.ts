import { EntityManager } from '@mikro-orm/better-sqlite';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrganization, createPerson } from '../../seeds/factories';
import { BillingProfilesService } from '../../src/modules/billing/billing-profiles.service';
import { PaymentMethodsService } from '../../src/modules/billing/payment-methods.service';
import { withContext } from '../../src/platform/database/request-context';
import { all, attrOf, errorSummary, fieldError, fieldValue, flashMessages, pageText, textOf } from '../utils/html';
import { Client, csrfFrom } from '../utils/http';
import { linkTo } from '../utils/mail';
import { startServer } from '../utils/server-process';
import { createMailedTestApp, createTestApp, signedIn, TEST_SECRET, type MailedTestApp } from '../utils/test-app';

const BASE_URL = 'http://desk.example.test';
// A Luhn-valid Visa debit test number: it must never be kept, logged or shown.
const CANARY = '4000056655665556';
const CANARY_SPACED = '4000 0566 5566 5556';
const CANARY_CVC = '737';

interface AuditRow {
  action: string;
  organizationId: string | null;
  details: string | null;
}

/** The card fields of the form; the expiry 01/27 is more than 60 days after the tests' start (26 Nov 2026). */
const card = (fields: Partial<Record<'holderName' | 'cardNumber' | 'expiry' | 'cvc', string>> = {}) => ({
  holderName: 'Ada Lovelace',
  cardNumber: '4242 4242 4242 4242',
  expiry: '01/27',
  cvc: '123',
  ...fields,
});

/** The buttons' forms on /billing: make default / remove, by payment method id. */
function methodRows(html: string) {
  return all(html, '[data-payment-method]').map((row) => ({
    id: row.getAttribute('data-payment-method')!,
    text: row.text.replace(/\s+/g, ' ').trim(),
    badges: row.querySelectorAll('[data-badge]').map((b) => b.getAttribute('data-badge')!),
    canMakeDefault: row.querySelector('form[action$="/default"]') !== null,
  }));
}

describe('billing details and payment methods (/billing)', () => {
  let t: MailedTestApp;
  const sql = <T extends object>(query: string, params: unknown[] = []) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const audit = (action: string, organizationId: string) =>
    sql<AuditRow>(
      'select action, organization_id as organizationId, details from audit_entries where action = ? and organization_id = ? order by id',
      [action, organizationId],
    );

  beforeAll(async () => {
    t = await createMailedTestApp({ BASE_URL });
  });
  afterAll(() => t.close());

  async function organization(name: string) {
    const org = await createOrganization(t.app, name);
    const admin = await signedIn(t, 'admin', { organization: org });
    return { org, admin };
  }

  /** Posts a form of `page` (with its CSRF token) to `path`. */
  const post = (client: Client, page: string, path: string, fields: Record<string, string> = {}) =>
    client.submit(page, fields, path);

  describe('details', () => {
    it('shows the form, the invoice option with the seller’s terms and the links, then saves the details, audited', async () => {
      const { org, admin } = await organization('Details Ltd');
      const page = await admin.client.get('/billing');
      expect(page.status).toBe(200);
      expect(textOf(page.text, 'h1')).toBe('Billing');
      expect(fieldValue(page.text, 'companyName')).toBe('');
      expect(attrOf(page.text, 'a[href="/billing/payment-methods/new"]', 'href')).toBeDefined();
      expect(attrOf(page.text, 'a[href="/billing/history"]', 'href')).toBeDefined();
      expect(textOf(page.text, '#pay-by-invoice')).toContain('due within 14 days');
      expect(textOf(page.text, '#pay-by-invoice')).toContain('admins');
      // The countries are a list to choose from.
      expect(all(page.text, 'select[name="country"] option').length).toBeGreaterThan(200);

      const saved = await post(admin.client, '/billing', '/billing', {
        companyName: 'Details Holding GmbH',
        addressLine1: 'Hauptstraße 1',
        addressLine2: '3. OG',
        city: 'Berlin',
        postalCode: '10115',
        region: 'Berlin',
        country: 'DE',
        taxId: 'DE 123.456-789',
        poReference: 'PO-2026-77',
        billingEmail: '',
      });
      expect(saved.status).toBe(303);
      expect(saved.headers.location).toBe('/billing');
      const after = await admin.client.get('/billing');
      expect(flashMessages(after.text)).toEqual(['Billing details saved.']);
      expect(fieldValue(after.text, 'companyName')).toBe('Details Holding GmbH');
      expect(fieldValue(after.text, 'postalCode')).toBe('10115');
      expect(fieldValue(after.text, 'country')).toBe('DE');
      expect(fieldValue(after.text, 'taxId')).toBe('DE 123.456-789');
      expect(fieldValue(after.text, 'poReference')).toBe('PO-2026-77');
      const [entry] = await audit('billing.details_updated', org.id);
      expect(JSON.parse(entry.details!)).toEqual({
        changed: [
          'companyName',
          'addressLine1',
          'addressLine2',
          'city',
          'postalCode',
          'region',
          'country',
          'taxId',
          'poReference',
        ],
      });
      // What an invoice will show of the buyer.
      const buyer = await withContext(t.app, () => t.app.get(BillingProfilesService).buyer(org.id));
      expect(buyer).toEqual({
        name: 'Details Holding GmbH',
        address: ['Hauptstraße 1', '3. OG', '10115 Berlin', 'Berlin'],
        country: 'DE',
        countryName: 'Germany',
        taxId: 'DE 123.456-789',
        email: '',
        poReference: 'PO-2026-77',
      });
    });

    it('names the organization as the buyer when no company name is given', async () => {
      const { org } = await organization('Nameless Co');
      const buyer = await withContext(t.app, () => t.app.get(BillingProfilesService).buyer(org.id));
      expect(buyer.name).toBe('Nameless Co');
      expect(buyer.address).toEqual([]);
    });

    it('refuses bad input beside each field, keeps the rest, and saves nothing', async () => {
      const { org, admin } = await organization('Typo Ltd');
      const refused = await post(admin.client, '/billing', '/billing', {
        companyName: 'Typo\u202EdtL',
        addressLine1: 'x'.repeat(121),
        addressLine2: 'Second line',
        city: 'c'.repeat(81),
        postalCode: '1'.repeat(21),
        region: 'r'.repeat(81),
        country: 'XX',
        taxId: 'DE#123',
        poReference: 'P'.repeat(41),
        billingEmail: 'not-an-address',
      });
      expect(refused.status).toBe(400);
      expect(fieldError(refused.text, 'companyName')).toContain('invisible formatting');
      expect(fieldError(refused.text, 'addressLine1')).toBe('Use at most 120 characters.');
      expect(fieldError(refused.text, 'addressLine2')).toBeUndefined();
      expect(fieldError(refused.text, 'city')).toBe('Use at most 80 characters.');
      expect(fieldError(refused.text, 'postalCode')).toBe('Use at most 20 characters.');
      expect(fieldError(refused.text, 'region')).toBe('Use at most 80 characters.');
      expect(fieldError(refused.text, 'country')).toBe('Choose a country from the list.');
      expect(fieldError(refused.text, 'taxId')).toContain('2 to 20 letters, digits, spaces, dashes or dots');
      expect(fieldError(refused.text, 'poReference')).toBe(
        'Use at most 40 characters for the purchase-order reference.',
      );
      expect(fieldError(refused.text, 'billingEmail')).toBe('Enter an email address like name@example.com.');
      expect(errorSummary(refused.text)).toHaveLength(9);
      // What was typed comes back (the postal code too: it is no secret "code").
      expect(fieldValue(refused.text, 'addressLine2')).toBe('Second line');
      expect(fieldValue(refused.text, 'postalCode')).toBe('1'.repeat(21));
      expect(fieldValue(refused.text, 'taxId')).toBe('DE#123');
      // Within the whole page.
      expect(pageText(refused.text)).toContain('Pay by invoice');
      expect(await sql('select 1 from billing_profiles where organization_id = ?', [org.id])).toEqual([]);
      // A tax id of one character is too short.
      const short = await post(admin.client, '/billing', '/billing', { taxId: 'D' });
      expect(fieldError(short.text, 'taxId')).toContain('2 to 20');
    });
  });

  describe('billing email', () => {
    const confirmLink = async (to: string) => {
      const mails = await t.mailTo(to);
      expect(mails).toHaveLength(1);
      const url = linkTo(mails[0], '/billing/email/confirm');
      return { mail: mails[0], path: `${url.pathname}${url.search}`, token: url.searchParams.get('token')! };
    };
    const emails = (orgId: string) =>
      withContext(t.app, () => t.app.get(BillingProfilesService).billingEmails([orgId]));

    it('is confirmed from the new address; the old one stays in use until then; the link works once', async () => {
      const { org, admin } = await organization('Mailing Ltd');
      // A first address, confirmed.
      await post(admin.client, '/billing', '/billing', { billingEmail: 'first@mailing.test' });
      const first = await confirmLink('first@mailing.test');
      expect(first.mail.subject).toBe('Confirm your SeatDesk billing email address');
      expect(first.mail.text).not.toContain('Mailing Ltd');
      const open = await admin.client.get(first.path);
      expect(open.status).toBe(200);
      expect(pageText(open.text)).toContain('Make first@mailing.test the billing email address of Mailing Ltd?');
      // Opening the page changed nothing.
      expect(await emails(org.id)).toEqual(new Map());
      const confirmed = await admin.client.submit(first.path, { token: first.token }, '/billing/email/confirm');
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.location).toBe('/billing');
      expect(await emails(org.id)).toEqual(new Map([[org.id, 'first@mailing.test']]));

      // A change: the link goes to the new address, the old one stays in use.
      const change = await post(admin.client, '/billing', '/billing', { billingEmail: 'Second@Mailing.test' });
      expect(change.status).toBe(303);
      const page = await admin.client.get('/billing');
      expect(flashMessages(page.text)[0]).toContain('We sent a link to second@mailing.test');
      expect(textOf(page.text, '[data-billing-email]')).toBe('first@mailing.test');
      expect(textOf(page.text, '[data-pending-email]')).toBe('Waiting for confirmation');
      expect(textOf(page.text, '#pay-by-invoice')).toContain('emailed to first@mailing.test');
      expect(await emails(org.id)).toEqual(new Map([[org.id, 'first@mailing.test']]));
      const second = await confirmLink('second@mailing.test');
      // Nothing went to the old address.
      expect(await t.mailTo('first@mailing.test')).toHaveLength(1);

      // Confirmed by whoever reads the mailbox: here someone not signed in.
      const reader = new Client(t.server);
      const done = await reader.submit(second.path, { token: second.token }, '/billing/email/confirm');
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/login');
      expect(await emails(org.id)).toEqual(new Map([[org.id, 'second@mailing.test']]));
      const now = await admin.client.get('/billing');
      expect(textOf(now.text, '[data-billing-email]')).toBe('second@mailing.test');
      expect(textOf(now.text, '[data-pending-email]')).toBeUndefined();

      // Used once: the page and the button both refuse it now.
      const again = await reader.get(second.path);
      expect(again.status).toBe(400);
      expect(pageText(again.text)).toContain('This link is not valid');
      const replay = await reader.agent
        .post('/billing/email/confirm')
        .type('form')
        .send({ token: second.token, _csrf: csrfFrom((await reader.get('/login')).text) })
        .redirects(0);
      expect(replay.status).toBe(400);

      const requested = await audit('billing.email_change_requested', org.id);
      expect(requested.map((r) => JSON.parse(r.details!))).toEqual([
        { pendingEmail: 'first@mailing.test' },
        { pendingEmail: 'second@mailing.test' },
      ]);
      const confirmations = await audit('billing.email_confirmed', org.id);
      expect(confirmations.map((r) => JSON.parse(r.details!))).toEqual([
        { billingEmail: 'first@mailing.test' },
        { billingEmail: 'second@mailing.test' },
      ]);
    });

    it('withdraws a pending address when the one in use is typed again, and removes the billing email when emptied', async () => {
      const { org, admin } = await organization('Undo Ltd');
      await post(admin.client, '/billing', '/billing', { billingEmail: 'kept@undo.test' });
      const kept = await confirmLink('kept@undo.test');
      await admin.client.submit(kept.path, { token: kept.token }, '/billing/email/confirm');
      await post(admin.client, '/billing', '/billing', { billingEmail: 'mistake@undo.test' });
      const mistake = await confirmLink('mistake@undo.test');
      await post(admin.client, '/billing', '/billing', { billingEmail: 'kept@undo.test' });
      let page = await admin.client.get('/billing');
      expect(textOf(page.text, '[data-pending-email]')).toBeUndefined();
      expect(fieldValue(page.text, 'billingEmail')).toBe('kept@undo.test');
      // The withdrawn link works no more.
      expect((await admin.client.get(mistake.path)).status).toBe(400);

      await post(admin.client, '/billing', '/billing', { billingEmail: '' });
      page = await admin.client.get('/billing');
      expect(textOf(page.text, '[data-billing-email]')).toBeUndefined();
      expect(textOf(page.text, '#pay-by-invoice')).toContain('admins');
      expect(await emails(org.id)).toEqual(new Map());
      const updates = await audit('billing.details_updated', org.id);
      expect(JSON.parse(updates[updates.length - 1].details!)).toEqual({ changed: ['billingEmail'] });
    });

    it('sends at most 5 links a day per organization, then refuses beside the field', async () => {
      const { org, admin } = await organization('Chatty Ltd');
      for (let i = 1; i <= 5; i++) {
        expect((await post(admin.client, '/billing', '/billing', { billingEmail: `n${i}@chatty.test` })).status).toBe(
          303,
        );
      }
      const sixth = await post(admin.client, '/billing', '/billing', { billingEmail: 'n6@chatty.test', city: 'Leeds' });
      expect(sixth.status).toBe(429);
      expect(fieldError(sixth.text, 'billingEmail')).toContain('the most we send');
      expect(fieldValue(sixth.text, 'city')).toBe('Leeds');
      expect(await t.mailTo('n6@chatty.test')).toEqual([]);
      expect((await withContext(t.app, () => t.app.get(BillingProfilesService).get(org.id))).pendingEmail).toBe(
        'n5@chatty.test',
      );
    });

    it('refuses an expired link, and a link replaced by a newer one', async () => {
      const { org, admin } = await organization('Late Ltd');
      await post(admin.client, '/billing', '/billing', { billingEmail: 'late@late.test' });
      const late = await confirmLink('late@late.test');
      t.clock.advance(24 * 3600 + 1);
      expect((await admin.client.get(late.path)).status).toBe(400);
      // A day idle ended the admin's session too.
      expect((await admin.client.signIn(admin.email, admin.password)).status).toBe(303);
      await post(admin.client, '/billing', '/billing', { billingEmail: 'replaced@late.test' });
      const replaced = await confirmLink('replaced@late.test');
      await post(admin.client, '/billing', '/billing', { billingEmail: 'newest@late.test' });
      expect((await admin.client.get(replaced.path)).status).toBe(400);
      const newest = await confirmLink('newest@late.test');
      expect((await admin.client.submit(newest.path, { token: newest.token }, '/billing/email/confirm')).status).toBe(
        303,
      );
      expect(await emails(org.id)).toEqual(new Map([[org.id, 'newest@late.test']]));
    });
  });

  describe('payment methods', () => {
    it('adds cards (the first is the default), makes another the default, removes them, audited without the number', async () => {
      const { org, admin } = await organization('Cards Ltd');
      const form = await admin.client.get('/billing/payment-methods/new');
      expect(form.status).toBe(200);
      for (const name of ['holderName', 'cardNumber', 'expiry', 'cvc'])
        expect(fieldValue(form.text, name)).toBeDefined();

      const visa = await post(admin.client, '/billing/payment-methods/new', '/billing/payment-methods', card());
      expect(visa.status).toBe(303);
      let page = await admin.client.get('/billing');
      expect(flashMessages(page.text)).toEqual(['Visa •••• 4242 was added and is the default payment method.']);
      // Listed oldest first.
      t.clock.advance(60);
      const mastercard = await post(
        admin.client,
        '/billing/payment-methods/new',
        '/billing/payment-methods',
        card({ holderName: 'Charles Babbage', cardNumber: '2223-0031-2200-3222', expiry: '12/26' }),
      );
      expect(mastercard.status).toBe(303);
      page = await admin.client.get('/billing');
      expect(flashMessages(page.text)).toEqual(['Mastercard •••• 3222 was added.']);
      let rows = methodRows(page.text);
      expect(rows.map((r) => [r.text.split(' Charles')[0].split(' Ada')[0], r.badges])).toEqual([
        ['Visa •••• 4242 Default', ['default']],
        ['Mastercard •••• 3222 Expires soon', ['expiring']],
        [expect.stringContaining('Pay by invoice'), []],
      ]);
      const [visaId, mcId] = rows.map((r) => r.id);

      // The lead's services read the same.
      const methods = t.app.get(PaymentMethodsService);
      expect((await withContext(t.app, () => methods.defaultOf(org.id)))?.id).toBe(visaId);

      expect((await post(admin.client, '/billing', `/billing/payment-methods/${mcId}/default`)).status).toBe(303);
      page = await admin.client.get('/billing');
      expect(flashMessages(page.text)).toEqual(['Mastercard •••• 3222 is the default payment method.']);
      rows = methodRows(page.text);
      expect(rows[1].badges).toEqual(['default', 'expiring']);
      expect(rows[0].badges).toEqual([]);

      // Removing the default leaves none.
      expect((await post(admin.client, '/billing', `/billing/payment-methods/${mcId}/remove`)).status).toBe(303);
      page = await admin.client.get('/billing');
      expect(flashMessages(page.text)).toEqual([
        'Mastercard •••• 3222 was removed. There is no default payment method now.',
      ]);
      rows = methodRows(page.text);
      expect(rows.map((r) => r.id)).toEqual([visaId, 'invoice']);
      expect(rows[0].badges).toEqual([]);
      expect(await withContext(t.app, () => methods.defaultOf(org.id))).toBeNull();
      // A removed method is gone for good.
      expect((await post(admin.client, '/billing', `/billing/payment-methods/${mcId}/default`)).status).toBe(404);
      expect((await post(admin.client, '/billing', `/billing/payment-methods/${mcId}/remove`)).status).toBe(404);

      const entries = await sql<AuditRow>(
        `select action, organization_id as organizationId, details from audit_entries
          where organization_id = ? and action like 'payment_method.%' order by id`,
        [org.id],
      );
      expect(entries.map((e) => [e.action, JSON.parse(e.details!)])).toEqual([
        [
          'payment_method.added',
          { paymentMethodId: visaId, brand: 'Visa', last4: '4242', expiry: '01/27', default: true },
        ],
        [
          'payment_method.added',
          { paymentMethodId: mcId, brand: 'Mastercard', last4: '3222', expiry: '12/26', default: false },
        ],
        [
          'payment_method.default_changed',
          { paymentMethodId: mcId, brand: 'Mastercard', last4: '3222', expiry: '12/26' },
        ],
        [
          'payment_method.removed',
          { paymentMethodId: mcId, brand: 'Mastercard', last4: '3222', expiry: '12/26', wasDefault: true },
        ],
      ]);
      const [stored] = await sql<Record<string, unknown>>(
        'select brand, last4, exp_month, exp_year, holder_name, provider from payment_methods where id = ?',
        [visaId],
      );
      expect(stored).toEqual({
        brand: 'Visa',
        last4: '4242',
        exp_month: 1,
        exp_year: 2027,
        holder_name: 'Ada Lovelace',
        provider: 'test',
      });
    });

    it('shows an expired card in red, and never makes it the default', async () => {
      const { org, admin } = await organization('Expiring Ltd');
      await post(admin.client, '/billing/payment-methods/new', '/billing/payment-methods', card({ expiry: '12/26' }));
      t.clock.advance(60);
      await post(
        admin.client,
        '/billing/payment-methods/new',
        '/billing/payment-methods',
        card({ cardNumber: '378282246310005', cvc: '1234', expiry: '12/28' }),
      );
      const start = +t.clock.now();
      try {
        t.clock.set(Date.UTC(2027, 0, 1));
        // Weeks later: signed in afresh.
        const client = new Client(t.server);
        expect((await client.signIn(admin.email, admin.password)).status).toBe(303);
        const page = await client.get('/billing');
        const rows = methodRows(page.text);
        expect(rows[0].badges).toEqual(['default', 'expired']);
        expect(all(page.text, `[data-payment-method="${rows[0].id}"] .text-danger`)).toHaveLength(1);
        // The expired default is no default to pay with.
        expect(await withContext(t.app, () => t.app.get(PaymentMethodsService).defaultOf(org.id))).toBeNull();
        // Make the Amex the default, then try to move the default back to the expired card.
        expect((await post(client, '/billing', `/billing/payment-methods/${rows[1].id}/default`)).status).toBe(303);
        const after = await client.get('/billing');
        expect(methodRows(after.text)[0].canMakeDefault).toBe(false);
        const refused = await post(client, '/billing', `/billing/payment-methods/${rows[0].id}/default`);
        expect(refused.status).toBe(400);
        expect(errorSummary(refused.text)).toEqual([
          'Visa •••• 4242 has expired, so it cannot be the default. Add a valid card instead.',
        ]);
        // The page around it still shows the saved details form and the methods.
        expect(methodRows(refused.text)).toHaveLength(3);
        expect((await withContext(t.app, () => t.app.get(PaymentMethodsService).defaultOf(org.id)))?.brand).toBe(
          'American Express',
        );
      } finally {
        t.clock.set(start);
      }
    });

    it('refuses a bad card beside each field, and never shows the number or the security code again', async () => {
      const { org, admin } = await organization('Refused Cards Ltd');
      const add = (fields: Record<string, string>) =>
        post(admin.client, '/billing/payment-methods/new', '/billing/payment-methods', card(fields));
      const expired = await add({ cardNumber: CANARY_SPACED, expiry: '10/26', cvc: CANARY_CVC });
      expect(expired.status).toBe(400);
      expect(fieldError(expired.text, 'expiry')).toBe('This card has expired. Use a card that is still valid.');
      expect(fieldValue(expired.text, 'cardNumber')).toBe('');
      expect(fieldValue(expired.text, 'cvc')).toBe('');
      expect(fieldValue(expired.text, 'holderName')).toBe('Ada Lovelace');
      expect(fieldValue(expired.text, 'expiry')).toBe('10/26');
      // The page's random CSRF token may hold any three digits: look past it.
      const shown = expired.text
        .replace(/name="_csrf" value="[^"]*"/g, '')
        .replace(/content="[A-Za-z0-9_-]{20,}"/g, '');
      for (const secret of [CANARY, CANARY_SPACED, '0566 5566', CANARY_CVC]) expect(shown).not.toContain(secret);

      const luhn = await add({ cardNumber: '4000 0566 5566 5557' });
      expect(fieldError(luhn.text, 'cardNumber')).toBe('This card number is not valid. Check it against the card.');
      expect(luhn.text).not.toContain('5557');
      const brand = await add({ cardNumber: '9999 9999 9999 9995' });
      expect(fieldError(brand.text, 'cardNumber')).toContain('We accept Visa');
      const cvc = await add({ cardNumber: '378282246310005', cvc: '123' });
      expect(fieldError(cvc.text, 'cvc')).toBe('Enter the 4-digit security code on the front of the card.');
      const format = await add({ expiry: '2027-01' });
      expect(fieldError(format.text, 'expiry')).toBe('Enter the expiry date as on the card, MM/YY.');
      const missing = await add({ holderName: '', cardNumber: '', expiry: '', cvc: '' });
      expect(missing.status).toBe(400);
      expect(fieldError(missing.text, 'holderName')).toBe('Enter the name on the card.');
      expect(fieldError(missing.text, 'cardNumber')).toBe('Enter the card number.');
      expect(await sql('select 1 from payment_methods where organization_id = ?', [org.id])).toEqual([]);
    });
  });

  describe('who may', () => {
    it('refuses members and helpdesk, sends operators to their billing page, and hides another organization’s methods', async () => {
      const { org, admin } = await organization('Guarded Ltd');
      await post(admin.client, '/billing/payment-methods/new', '/billing/payment-methods', card());
      const [methodId] = methodRows((await admin.client.get('/billing')).text).map((r) => r.id);
      const member = await signedIn(t, 'member', { organization: org });
      const helpdesk = await signedIn(t, 'helpdesk');
      const operator = await signedIn(t, 'operator');
      for (const who of [member, helpdesk]) {
        expect((await who.client.get('/billing')).status).toBe(403);
        expect((await who.client.get('/billing/payment-methods/new')).status).toBe(403);
        expect((await post(who.client, '/dashboard', '/billing', { companyName: 'Hijack' })).status).toBe(403);
        expect((await post(who.client, '/dashboard', '/billing/payment-methods', card())).status).toBe(403);
        expect((await post(who.client, '/dashboard', `/billing/payment-methods/${methodId}/remove`)).status).toBe(403);
      }
      const redirected = await operator.client.get('/billing');
      expect(redirected.status).toBe(303);
      expect(redirected.headers.location).toBe('/admin/billing');
      expect((await post(operator.client, '/dashboard', '/billing', { companyName: 'Hijack' })).status).toBe(403);

      // Another organization's admin: its method ids name nothing.
      const other = await organization('Other Ltd');
      expect((await post(other.admin.client, '/billing', `/billing/payment-methods/${methodId}/default`)).status).toBe(
        404,
      );
      expect((await post(other.admin.client, '/billing', `/billing/payment-methods/${methodId}/remove`)).status).toBe(
        404,
      );
      await expect(
        withContext(t.app, () => t.app.get(PaymentMethodsService).get(other.org.id, methodId)),
      ).rejects.toThrow();
      expect(methodRows((await admin.client.get('/billing')).text)[0].badges).toEqual(['default']);
      expect((await post(admin.client, '/billing', '/billing/payment-methods/not-a-uuid/remove')).status).toBe(404);
      // The operators' pages are refused to admins.
      expect((await admin.client.get('/admin/billing/settings')).status).toBe(403);
      expect((await admin.client.get(`/admin/billing/organizations/${org.id}`)).status).toBe(403);
      expect((await post(admin.client, '/billing', '/admin/billing/settings', { sellerName: 'X' })).status).toBe(403);
    });
  });

  describe('operators’ settings', () => {
    it('saves the seller and payment terms, audited; the invoice option shows the terms', async () => {
      const operator = await signedIn(t, 'operator');
      const page = await operator.client.get('/admin/billing/settings');
      expect(page.status).toBe(200);
      expect(fieldValue(page.text, 'sellerName')).toBe('SeatDesk');
      expect(fieldValue(page.text, 'paymentTermsDays')).toBe('14');
      const saved = await post(operator.client, '/admin/billing/settings', '/admin/billing/settings', {
        sellerName: 'SeatDesk Europe B.V.',
        sellerAddress: 'Keizersgracht 1\r\n\r\n1015 CJ Amsterdam  ',
        sellerCountry: 'NL',
        sellerTaxId: 'NL123456789B01',
        sellerEmail: 'billing@seatdesk.test',
        paymentTermsDays: '30',
      });
      expect(saved.status).toBe(303);
      const after = await operator.client.get('/admin/billing/settings');
      expect(flashMessages(after.text)).toEqual(['Billing settings saved. Invoices issued from now on show them.']);
      expect(fieldValue(after.text, 'sellerAddress')).toBe('Keizersgracht 1\n1015 CJ Amsterdam');
      expect(fieldValue(after.text, 'sellerCountry')).toBe('NL');
      const seller = await withContext(t.app, () => t.app.get(BillingProfilesService).seller());
      expect(seller).toEqual({
        name: 'SeatDesk Europe B.V.',
        address: ['Keizersgracht 1', '1015 CJ Amsterdam'],
        country: 'NL',
        countryName: 'Netherlands',
        taxId: 'NL123456789B01',
        email: 'billing@seatdesk.test',
        paymentTermsDays: 30,
      });
      const [entry] = await sql<AuditRow>(
        "select details from audit_entries where action = 'billing.settings_updated' order by id desc limit 1",
      );
      expect(JSON.parse(entry.details!)).toEqual({
        changed: ['sellerName', 'sellerAddress', 'sellerCountry', 'sellerTaxId', 'sellerEmail', 'paymentTermsDays'],
      });
      const { admin } = await organization('Terms Ltd');
      expect(textOf((await admin.client.get('/billing')).text, '#pay-by-invoice')).toContain('due within 30 days');

      const refused = await post(operator.client, '/admin/billing/settings', '/admin/billing/settings', {
        sellerName: '',
        sellerAddress: 'one\ntwo\nthree\nfour\nfive\nsix\nseven',
        sellerCountry: 'ZZ',
        sellerTaxId: '!',
        sellerEmail: 'nope',
        paymentTermsDays: '121',
      });
      expect(refused.status).toBe(400);
      expect(fieldError(refused.text, 'sellerName')).toBe('Enter the seller name invoices show.');
      expect(fieldError(refused.text, 'sellerCountry')).toBe('Choose a country from the list.');
      expect(fieldError(refused.text, 'sellerTaxId')).toContain('2 to 20');
      expect(fieldError(refused.text, 'sellerEmail')).toBe('Enter an email address like name@example.com.');
      const terms = await post(operator.client, '/admin/billing/settings', '/admin/billing/settings', {
        sellerName: 'S',
        sellerAddress: 'one\ntwo\nthree\nfour\nfive\nsix\nseven',
        paymentTermsDays: '121',
      });
      expect(fieldError(terms.text, 'paymentTermsDays')).toBe('Enter a whole number of days from 0 to 120.');
      const lines = await post(operator.client, '/admin/billing/settings', '/admin/billing/settings', {
        sellerName: 'S',
        sellerAddress: 'one\ntwo\nthree\nfour\nfive\nsix\nseven',
        paymentTermsDays: '7',
      });
      expect(fieldError(lines.text, 'sellerAddress')).toBe('Use at most 6 lines.');
      expect((await withContext(t.app, () => t.app.get(BillingProfilesService).seller())).paymentTermsDays).toBe(30);
    });

    it('adds, changes and removes tax rates in percent, kept as basis points, audited', async () => {
      const operator = await signedIn(t, 'operator');
      const rate = (fields: Record<string, string>) =>
        post(operator.client, '/admin/billing/settings', '/admin/billing/settings/tax-rates', fields);
      expect((await rate({ country: 'DE', rate: '19', label: 'MwSt.' })).status).toBe(303);
      expect((await rate({ country: 'AT', rate: '7.5' })).status).toBe(303);
      expect((await rate({ country: 'AT', rate: '20.05' })).status).toBe(303);
      const page = await operator.client.get('/admin/billing/settings');
      expect(flashMessages(page.text)).toEqual(['The tax rate for Austria is 20.05 %.']);
      expect(all(page.text, '[data-tax-rate]').map((r) => r.text.replace(/\s+/g, ' ').trim())).toEqual([
        'Austria 20.05 % Remove',
        'Germany 19 % MwSt. Remove',
      ]);
      const profiles = t.app.get(BillingProfilesService);
      expect(await withContext(t.app, () => profiles.taxRateBp('AT'))).toBe(2005);
      expect(await withContext(t.app, () => profiles.taxRateBp('DE'))).toBe(1900);
      expect(await withContext(t.app, () => profiles.taxRateBp('FR'))).toBe(0);
      expect(await withContext(t.app, () => profiles.taxRateBp(null))).toBe(0);

      for (const [fields, field, message] of [
        [{ country: 'DE', rate: '19.555' }, 'rate', 'at most two decimals'],
        [{ country: 'DE', rate: '1e2' }, 'rate', 'at most two decimals'],
        [{ country: 'DE', rate: '100.01' }, 'rate', 'from 0 to 100'],
        [{ country: 'QQ', rate: '5' }, 'country', 'Choose a country from the list.'],
      ] as const) {
        const refused = await rate(fields);
        expect(refused.status).toBe(400);
        expect(fieldError(refused.text, field)).toContain(message);
        // The refused rate form keeps its input; the seller form shows what is saved.
        expect(fieldValue(refused.text, 'rate')).toBe(fields.rate);
        expect(fieldValue(refused.text, 'sellerName')).toBeDefined();
      }
      expect(await withContext(t.app, () => profiles.taxRateBp('DE'))).toBe(1900);

      expect(
        (await post(operator.client, '/admin/billing/settings', '/admin/billing/settings/tax-rates/AT/remove')).status,
      ).toBe(303);
      expect(await withContext(t.app, () => profiles.taxRateBp('AT'))).toBe(0);
      expect(
        (await post(operator.client, '/admin/billing/settings', '/admin/billing/settings/tax-rates/AT/remove')).status,
      ).toBe(404);
      const entries = await sql<AuditRow>(
        "select details from audit_entries where action = 'billing.tax_rate_changed' order by id",
      );
      expect(entries.map((e) => JSON.parse(e.details!))).toEqual([
        { country: 'DE', fromBp: null, toBp: 1900, label: 'MwSt.' },
        { country: 'AT', fromBp: null, toBp: 750, label: '' },
        { country: 'AT', fromBp: 750, toBp: 2005, label: '' },
        { country: 'AT', fromBp: 2005, toBp: null },
      ]);
    });

    it('shows an organization’s billing details and methods read-only, 404 for an unknown one', async () => {
      const operator = await signedIn(t, 'operator');
      const { org, admin } = await organization('Shown Ltd');
      await post(admin.client, '/billing', '/billing', {
        companyName: 'Shown Holding',
        country: 'FR',
        taxId: 'FR12345',
      });
      await post(admin.client, '/billing/payment-methods/new', '/billing/payment-methods', card());
      const page = await operator.client.get(`/admin/billing/organizations/${org.id}`);
      expect(page.status).toBe(200);
      expect(textOf(page.text, 'h1')).toBe('Shown Ltd');
      expect(textOf(page.text, '[data-field="companyName"]')).toBe('Shown Holding');
      expect(textOf(page.text, '[data-field="country"]')).toBe('France');
      expect(methodRows(page.text)[0].text).toContain('Visa •••• 4242');
      // Read-only: nothing on it changes an organization's billing.
      expect(all(page.text, 'form[action^="/billing"], form[action^="/admin/billing"]')).toHaveLength(0);
      expect(
        (await operator.client.get('/admin/billing/organizations/00000000-0000-4000-8000-000000000000')).status,
      ).toBe(404);
      expect((await operator.client.get('/admin/billing/organizations/nope')).status).toBe(404);
    });
  });
});

// The card canary: a real server process at the most verbose log level; the
// full number (with or without spaces) and its security code must not reach
// the database file, its WAL, a log line, the audit log, the mail outbox or a
// page.
describe('a card number goes nowhere', () => {
  let dataDir: string;
  let cwd: string;

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'seatdesk-canary-'));
    dataDir = join(cwd, 'data');
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('is kept as brand and last four only, everywhere', async () => {
    // The people, made by the factories on the same data directory.
    const seed = await createTestApp({}, { dataDir });
    let adminEmail: string;
    let adminPassword: string;
    try {
      await createPerson(seed.app, { role: 'operator' });
      const org = await createOrganization(seed.app, 'Canary Ltd');
      const admin = await createPerson(seed.app, { role: 'admin', organization: org });
      adminEmail = admin.email;
      adminPassword = admin.password;
    } finally {
      await seed.close();
    }

    const server = startServer(cwd, {
      DATA_DIR: dataDir,
      APP_SECRET: TEST_SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'trace',
      JOBS: 'off',
    });
    const secrets = [CANARY, CANARY_SPACED, CANARY.slice(0, 12)];
    const pages: string[] = [];
    let walBytes = Buffer.alloc(0);
    try {
      const client = new Client(await server.listening);
      expect((await client.signIn(adminEmail, adminPassword)).status).toBe(303);
      // Refused first (expired): the form comes back without the number.
      const refused = await client.submit(
        '/billing/payment-methods/new',
        card({ cardNumber: CANARY_SPACED, expiry: '01/20', cvc: CANARY_CVC }),
        '/billing/payment-methods',
      );
      expect(refused.status).toBe(400);
      pages.push(refused.text);
      for (const cardNumber of [CANARY_SPACED, CANARY]) {
        const added = await client.submit(
          '/billing/payment-methods/new',
          card({ cardNumber, expiry: '12/35', cvc: CANARY_CVC }),
          '/billing/payment-methods',
        );
        expect(added.status).toBe(303);
      }
      const page = await client.get('/billing');
      pages.push(page.text);
      expect(pageText(page.text)).toContain('Visa •••• 5556');
      expect(all(page.text, '[data-payment-method]')).toHaveLength(3);
      // The WAL as the running server has it, before a checkpoint at shutdown.
      walBytes = readFileSync(join(dataDir, 'seatdesk.db-wal'));
      expect(walBytes.length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    const logs = `${server.stdout()}\n${server.stderr()}`;
    expect(logs).toContain('/billing/payment-methods');

    const files = [join(dataDir, 'seatdesk.db'), join(dataDir, 'seatdesk.db-wal')].filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    const db = new Database(join(dataDir, 'seatdesk.db'), { readonly: true });
    let auditText: string;
    let mailText: string;
    try {
      const methods = db.prepare('select brand, last4 from payment_methods').all();
      expect(methods).toEqual([
        { brand: 'Visa', last4: '5556' },
        { brand: 'Visa', last4: '5556' },
      ]);
      auditText = JSON.stringify(db.prepare('select * from audit_entries').all());
      mailText = JSON.stringify(db.prepare('select * from mail_messages').all());
    } finally {
      db.close();
    }
    expect(auditText).toContain('"last4\\":\\"5556\\"');

    const places: [string, string][] = [
      ['logs', logs],
      ['audit', auditText],
      ['mail', mailText],
      ['pages', pages.join('\n').replace(`value="${CANARY_CVC}"`, CANARY)],
      ['wal while running', walBytes.toString('latin1')],
      ...files.map((f): [string, string] => [f, readFileSync(f).toString('latin1')]),
    ];
    for (const [where, text] of places) {
      for (const secret of secrets) expect([where, secret, text.includes(secret)]).toEqual([where, secret, false]);
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'node-html-parser';
import { VIEWS_DIR } from '../../config/paths';
import { createViewEngine } from '../../common/view/view-engine';
import { invoiceFixture } from '../../../test/utils/invoice-document';
import { invoiceView } from './invoice.view';
import type { InvoiceDocument } from './invoice-document';

// The printable invoice page and its document partial, rendered with the app's
// view engine (helpers and partials as the app registers them).
const engine = createViewEngine([{ dir: join(VIEWS_DIR, 'partials') }]) as unknown as {
  handlebars: { compile(source: string): (context: object) => string };
};
const page = engine.handlebars.compile(readFileSync(join(VIEWS_DIR, 'billing', 'invoice.hbs'), 'utf8'));

const render = (doc: InvoiceDocument, pdfHref: string | null = '/billing/invoices/7/pdf') =>
  parse(page({ invoice: invoiceView(doc), pdfHref }));
const text = (root: ReturnType<typeof parse>, selector: string) =>
  root.querySelector(selector)?.textContent.replace(/\s+/g, ' ').trim();

describe('invoice page', () => {
  it('shows the document: number, dates, parties, lines and totals, and the PDF link', () => {
    const root = render(invoiceFixture());
    expect(text(root, 'h1')).toBe('Invoice INV-2026-000123');
    expect(root.querySelector('.page-header a[href="/billing/invoices/7/pdf"]')?.textContent.trim()).toBe(
      'Download PDF',
    );
    expect(text(root, '[data-invoice-number]')).toBe('INV-2026-000123');
    expect(text(root, '[data-issued]')).toBe('2026-12-05');
    expect(text(root, '[data-due]')).toBe('2027-01-04');
    expect(text(root, '[data-state]')).toBe('Open');
    expect(root.querySelector('[data-status-mark]')).toBeNull();
    expect(text(root, '[data-seller]')).toBe(
      'SeatDesk Software Ltd 1 Harbour Road Dublin D02 XY45 Ireland Tax ID: IE1234567T billing@seatdesk.example',
    );
    expect(text(root, '[data-buyer]')).toBe(
      'Bill to Müller Präzision GmbH Hauptstraße 5 80331 München Germany Tax ID: DE123456789 accounts@mueller.example PO reference: PO-7781',
    );
    const rows = root
      .querySelectorAll('[data-invoice-lines] tbody tr')
      .map((row) => row.querySelectorAll('td').map((cell) => cell.textContent.trim()));
    expect(rows).toEqual([
      ['Endpoint Protection Business, 25 seats, 1 year', '25', 'EUR 49.99', 'EUR 1,249.75'],
      ['Priority support', '1', 'EUR 199.00', 'EUR 199.00'],
    ]);
    expect(text(root, '[data-subtotal]')).toBe('EUR 1,448.75');
    expect(text(root, 'tfoot tr:nth-child(2) th')).toBe('VAT 19 %');
    expect(text(root, '[data-tax]')).toBe('EUR 275.26');
    expect(text(root, '[data-total]')).toBe('EUR 1,724.01');
    // No inline script or style: the CSP allows neither.
    expect(root.querySelectorAll('script:not([src])')).toHaveLength(0);
    expect(root.querySelectorAll('[style]')).toHaveLength(0);
    expect(root.querySelector('script[src]')?.getAttribute('src')).toBe('/assets/app/js/print-button.js');
  });

  it('escapes what the customer typed', () => {
    const doc = invoiceFixture();
    doc.buyer = { ...doc.buyer, name: '<img src=x onerror=alert(1)>' };
    const root = render(doc);
    expect(root.querySelector('[data-buyer] img')).toBeNull();
    expect(text(root, '.app-invoice-buyer-name')).toBe('<img src=x onerror=alert(1)>');
  });

  it('stamps a paid credit note, names the invoice it credits and has no due date; no PDF link without pdfHref', () => {
    const root = render(
      invoiceFixture({
        number: 'CN-2026-000004',
        kind: 'credit_note',
        creditsNumber: 'INV-2026-000123',
        status: 'paid',
        paidAt: Date.UTC(2026, 11, 9),
      }),
      null,
    );
    expect(text(root, 'h1')).toBe('Credit note CN-2026-000004');
    expect(text(root, '.app-invoice-kind')).toBe('Credit note');
    expect(text(root, '[data-credits]')).toBe('INV-2026-000123');
    expect(root.querySelector('[data-due]')).toBeNull();
    expect(text(root, '[data-paid]')).toBe('2026-12-09');
    expect(text(root, '[data-status-mark]')).toBe('PAID');
    expect(text(root, '.app-invoice-label')).toBe('Credit to');
    expect(root.querySelector('.page-header a.btn')).toBeNull();
  });

  it('stamps a void invoice VOID', () => {
    expect(text(render(invoiceFixture({ status: 'void' })), '[data-status-mark]')).toBe('VOID');
  });
});

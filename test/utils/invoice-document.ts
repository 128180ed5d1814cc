import type { InvoiceDocument, InvoiceLine } from '../../src/modules/billing/invoice-document';

/** An issued invoice for specs: a German customer of an Irish seller, two lines, 19 % VAT. */
export function invoiceFixture(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  const lines: InvoiceLine[] = overrides.lines ?? [
    {
      description: 'Endpoint Protection Business, 25 seats, 1 year',
      quantity: 25,
      unitMinor: 4_999,
      amountMinor: 124_975,
    },
    { description: 'Priority support', quantity: 1, unitMinor: 19_900, amountMinor: 19_900 },
  ];
  const subtotalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
  const taxRateBp = overrides.taxRateBp ?? 1900;
  const taxMinor = Math.round((subtotalMinor * taxRateBp) / 10_000);
  return {
    number: 'INV-2026-000123',
    kind: 'invoice',
    creditsNumber: null,
    issuedAt: Date.UTC(2026, 11, 5, 23, 30),
    dueAt: Date.UTC(2027, 0, 4, 23, 30),
    status: 'open',
    paidAt: null,
    currency: 'EUR',
    seller: {
      name: 'SeatDesk Software Ltd',
      address: ['1 Harbour Road', 'Dublin D02 XY45'],
      country: 'IE',
      countryName: 'Ireland',
      taxId: 'IE1234567T',
      email: 'billing@seatdesk.example',
    },
    buyer: {
      name: 'Müller Präzision GmbH',
      address: ['Hauptstraße 5', '80331 München'],
      country: 'DE',
      countryName: 'Germany',
      taxId: 'DE123456789',
      email: 'accounts@mueller.example',
      poReference: 'PO-7781',
    },
    lines,
    subtotalMinor,
    taxRateBp,
    taxMinor,
    totalMinor: subtotalMinor + taxMinor,
    ...overrides,
  };
}

import { invoiceFixture } from '../../../test/utils/invoice-document';
import { countryName, invoiceDate, invoiceView, rateText } from './invoice.view';

describe('invoice view', () => {
  it('writes a tax rate from basis points without a float', () => {
    expect(rateText(1900)).toBe('19');
    expect(rateText(1950)).toBe('19.5');
    expect(rateText(725)).toBe('7.25');
    expect(rateText(5)).toBe('0.05');
    expect(rateText(0)).toBe('0');
  });

  it('writes dates as UTC days, whatever the server zone', () => {
    expect(invoiceDate(Date.UTC(2026, 11, 31, 23, 59, 59))).toBe('2026-12-31');
    expect(invoiceDate(Date.UTC(2027, 0, 1, 0, 0, 0))).toBe('2027-01-01');
  });

  it('names a country from its code when no name was stored, and keeps a stored one', () => {
    expect(countryName('DE', null)).toBe('Germany');
    expect(countryName('fr', null)).toBe('France');
    expect(countryName('DE', 'Deutschland')).toBe('Deutschland');
    expect(countryName(null, null)).toBeNull();
    expect(countryName('ZZ', null)).toBe('ZZ');
  });

  it('shows an open invoice: dates, parties with their country last, money with the currency', () => {
    const doc = invoiceFixture();
    doc.buyer = { ...doc.buyer, address: ['Hauptstraße 5', '  ', '80331 München'], countryName: null, taxId: ' ' };
    const view = invoiceView(doc);
    expect(view).toMatchObject({
      title: 'Invoice INV-2026-000123',
      kindLabel: 'Invoice',
      issuedDate: '2026-12-05',
      dueDate: '2027-01-04',
      paidDate: null,
      statusLabel: 'Open',
      statusMark: null,
      creditsText: null,
      subtotal: 'EUR 1,448.75',
      taxLabel: 'VAT 19 %',
      tax: 'EUR 275.26',
      total: 'EUR 1,724.01',
    });
    expect(view.buyer).toEqual({
      name: 'Müller Präzision GmbH',
      addressLines: ['Hauptstraße 5', '80331 München', 'Germany'],
      countryName: 'Germany',
      taxId: null,
      email: 'accounts@mueller.example',
      poReference: 'PO-7781',
    });
    expect(view.lines[0]).toEqual({
      description: 'Endpoint Protection Business, 25 seats, 1 year',
      quantity: '25',
      unitPrice: 'EUR 49.99',
      amount: 'EUR 1,249.75',
    });
  });

  it('shows a credit note without a due date, naming the invoice it credits', () => {
    const view = invoiceView(
      invoiceFixture({
        number: 'CN-2026-000004',
        kind: 'credit_note',
        creditsNumber: 'INV-2026-000123',
        status: 'paid',
        paidAt: Date.UTC(2026, 11, 7),
        currency: 'JPY',
        lines: [{ description: 'Refund', quantity: 1, unitMinor: -12_000, amountMinor: -12_000 }],
        taxRateBp: 1000,
      }),
    );
    expect(view).toMatchObject({
      title: 'Credit note CN-2026-000004',
      creditsNumber: 'INV-2026-000123',
      creditsText: 'Credit for invoice INV-2026-000123',
      dueDate: null,
      paidDate: '2026-12-07',
      statusMark: 'PAID',
      taxLabel: 'VAT 10 %',
      total: 'JPY -13,200',
    });
  });
});

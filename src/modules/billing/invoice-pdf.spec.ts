import { invoiceFixture } from '../../../test/utils/invoice-document';
import { pdfInfo, pdfPageCount, pdfTextRuns } from '../../../test/utils/pdf';
import { pdfText, renderInvoicePdf } from './invoice-pdf';

describe('renderInvoicePdf', () => {
  it('writes a PDF with the number, the parties, every line and the totals', async () => {
    const pdf = await renderInvoicePdf(invoiceFixture(), { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfTextRuns(pdf);
    expect(text).toEqual(
      expect.arrayContaining([
        'Invoice',
        'INV-2026-000123',
        'Issue date: 2026-12-05',
        'Due date: 2027-01-04',
        'Status: Open',
        'SeatDesk Software Ltd',
        'Tax ID: IE1234567T',
        'Müller Präzision GmbH',
        'Hauptstraße 5',
        'Germany',
        'Tax ID: DE123456789',
        'PO reference: PO-7781',
        'Endpoint Protection Business, 25 seats, 1 year',
        '25',
        'EUR 49.99',
        'EUR 1,249.75',
        'Priority support',
        'EUR 199.00',
        'Subtotal',
        'EUR 1,448.75',
        'VAT 19 %',
        'EUR 275.26',
        'Total',
        'EUR 1,724.01',
        'Invoice INV-2026-000123 · Page 1 of 1',
      ]),
    );
    expect(text).not.toContain('PAID');
    expect(text).not.toContain('VOID');
    expect(pdfPageCount(pdf)).toBe(1);
  });

  it('names the document in its metadata and gives the same bytes for the same document', async () => {
    const first = await renderInvoicePdf(invoiceFixture(), { compress: false });
    expect(pdfInfo(first, 'Title')).toBe('INV-2026-000123');
    expect(first.toString('latin1')).toContain('/DisplayDocTitle true');
    const again = await renderInvoicePdf(invoiceFixture(), { compress: false });
    expect(again.equals(first)).toBe(true);
  });

  it('compresses by default', async () => {
    const pdf = await renderInvoicePdf(invoiceFixture());
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(pdf.toString('latin1')).toContain('/FlateDecode');
    expect(pdf.toString('latin1')).not.toMatch(/\] TJ/);
    expect(pdfTextRuns(pdf)).toEqual(expect.arrayContaining(['INV-2026-000123', 'EUR 1,724.01']));
  });

  it('stamps a paid invoice PAID with its payment date, a void one VOID', async () => {
    const paid = pdfTextRuns(
      await renderInvoicePdf(invoiceFixture({ status: 'paid', paidAt: Date.UTC(2026, 11, 20, 9) }), {
        compress: false,
      }),
    );
    expect(paid).toEqual(expect.arrayContaining(['PAID', 'Status: Paid', 'Paid on: 2026-12-20']));
    const voided = pdfTextRuns(await renderInvoicePdf(invoiceFixture({ status: 'void' }), { compress: false }));
    expect(voided).toEqual(expect.arrayContaining(['VOID', 'Status: Void']));
    expect(voided).not.toContain('PAID');
  });

  it('titles a credit note so and names the invoice it credits', async () => {
    const doc = invoiceFixture({
      number: 'CN-2026-000004',
      kind: 'credit_note',
      creditsNumber: 'INV-2026-000123',
      lines: [{ description: 'Refund: Priority support', quantity: 1, unitMinor: -19_900, amountMinor: -19_900 }],
      subtotalMinor: -19_900,
      taxRateBp: 1950,
      taxMinor: -3_881,
      totalMinor: -23_781,
    });
    const text = pdfTextRuns(await renderInvoicePdf(doc, { compress: false }));
    expect(text).toEqual(
      expect.arrayContaining([
        'Credit note',
        'CN-2026-000004',
        'Credits invoice: INV-2026-000123',
        'EUR -199.00',
        'VAT 19.5 %',
        'EUR -38.81',
        'EUR -237.81',
      ]),
    );
    expect(text).not.toContain('Invoice');
    expect(text.some((run) => run.startsWith('Due date'))).toBe(false);
  });

  it('spreads 200 lines over several pages, repeating the table header, with every line and the total', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => ({
      description: `Seat add-on ${i + 1}`,
      quantity: i + 1,
      unitMinor: 100,
      amountMinor: (i + 1) * 100,
    }));
    const doc = invoiceFixture({ lines, taxRateBp: 0 });
    const pdf = await renderInvoicePdf(doc, { compress: false });
    const pages = pdfPageCount(pdf);
    expect(pages).toBeGreaterThan(3);
    const text = pdfTextRuns(pdf);
    for (let i = 1; i <= 200; i++) expect(text).toContain(`Seat add-on ${i}`);
    expect(text.filter((run) => run === 'Description')).toHaveLength(pages);
    expect(text).toEqual(
      expect.arrayContaining(['VAT 0 %', 'EUR 20,100.00', `Invoice INV-2026-000123 · Page ${pages} of ${pages}`]),
    );
  });

  it('keeps the totals together, on a page of their own when the lines fill the last one, and marks every later page', async () => {
    let totalsAlone = 0;
    for (let count = 25; count <= 75; count++) {
      const lines = Array.from({ length: count }, (_, i) => ({
        description: `Seat add-on ${i + 1}`,
        quantity: 1,
        unitMinor: 100,
        amountMinor: 100,
      }));
      const pdf = await renderInvoicePdf(invoiceFixture({ lines, taxRateBp: 0 }), { compress: false });
      const pages = pdfPageCount(pdf);
      const text = pdfTextRuns(pdf);
      expect(text.filter((run) => run === 'Invoice INV-2026-000123 (continued)')).toHaveLength(pages - 1);
      // One run after another in one page's content: no footer or page break between them.
      const at = text.indexOf('Subtotal');
      const total = `EUR ${count}.00`;
      expect(text.slice(at, at + 6)).toEqual(['Subtotal', total, 'VAT 0 %', 'EUR 0.00', 'Total', total]);
      const headers = text.filter((run) => run === 'Description').length;
      if (headers === pages - 1) totalsAlone++;
      else expect(headers).toBe(pages);
    }
    expect(totalsAlone).toBeGreaterThan(0);
  });

  it('writes letters the standard font lacks without their accents', async () => {
    const doc = invoiceFixture();
    doc.buyer = { ...doc.buyer, name: 'Łódź Dvořák Sp. z o.o.', address: ['ul. Piotrkowska 1\t'] };
    const text = pdfTextRuns(await renderInvoicePdf(doc, { compress: false }));
    expect(text).toEqual(expect.arrayContaining(['Lódz Dvorák Sp. z o.o.']));
  });
});

describe('pdfText', () => {
  it('keeps WinAnsi text, folds other letters and replaces what has no Latin form', () => {
    expect(pdfText('Müller – “Straße” €5')).toBe('Müller – “Straße” €5');
    expect(pdfText('Łódź, Dvořák, Kraków')).toBe('Lódz, Dvorák, Kraków');
    expect(pdfText('東京 a\tb\u0007c\nd')).toBe('?? a b c\nd');
  });
});

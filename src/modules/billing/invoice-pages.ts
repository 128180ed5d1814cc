import type { Response } from 'express';
import { invoiceRowView, paymentView } from './billing.view';
import { renderInvoicePdf } from './invoice-pdf';
import { invoiceView } from './invoice.view';
import type { InvoiceRow } from './invoices.repository';
import type { InvoicesService } from './invoices.service';

// The invoice page and PDF, the same for the organization's admins and for operators.

/** What the printable invoice page shows: the document, its payments and credit notes. */
export async function invoicePage(invoices: InvoicesService, invoice: InvoiceRow, pdfHref: string) {
  const [document, payments, creditNotes] = await Promise.all([
    invoices.document(invoice),
    invoices.paymentsOf(invoice.id),
    invoices.creditNotesOf(invoice.id),
  ]);
  return {
    title: `${invoice.kind === 'credit_note' ? 'Credit note' : 'Invoice'} ${invoice.number}`,
    invoice: invoiceView(document),
    invoiceId: invoice.id,
    pdfHref,
    payments: payments.map((p) => paymentView(p, invoices.providerLabel(p.provider))),
    creditNotes: creditNotes.map(invoiceRowView),
  };
}

/** The invoice as a PDF download named by its number. */
export async function sendInvoicePdf(invoices: InvoicesService, invoice: InvoiceRow, res: Response): Promise<void> {
  const pdf = await renderInvoicePdf(await invoices.document(invoice));
  res.status(200);
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `attachment; filename="${invoice.number}.pdf"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(pdf);
}

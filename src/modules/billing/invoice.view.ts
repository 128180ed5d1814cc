import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';
import { formatMoney } from '../../common/money';
import type { InvoiceDocument, InvoiceParty } from './invoice-document';

// What an issued invoice or credit note shows, as text: the printable page
// (views/partials/billing/invoice-body.hbs) and the PDF (invoice-pdf.ts) both
// read this, so a date, an amount or a rate is written one way everywhere.

countries.registerLocale(english);

/** A UTC calendar day, `YYYY-MM-DD`: an invoice's dates do not move with the reader's time zone. */
export function invoiceDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Basis points as a percentage, from the digits (no float): 1900 → "19", 1950 → "19.5", 725 → "7.25". */
export function rateText(bp: number): string {
  const abs = Math.abs(Math.trunc(bp));
  const fraction = String(abs % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${bp < 0 ? '-' : ''}${Math.trunc(abs / 100)}${fraction ? `.${fraction}` : ''}`;
}

/** The country's English name: the one stored at issue, else looked up from the code, else null. */
export function countryName(code: string | null, stored: string | null): string | null {
  if (stored) return stored;
  if (!code) return null;
  return countries.getName(code.toUpperCase(), 'en') ?? code.toUpperCase();
}

export const INVOICE_STATUS_VIEW: Record<
  InvoiceDocument['status'],
  { label: string; color: string; mark: 'PAID' | 'VOID' | null }
> = {
  open: { label: 'Open', color: 'yellow', mark: null },
  paid: { label: 'Paid', color: 'green', mark: 'PAID' },
  void: { label: 'Void', color: 'secondary', mark: 'VOID' },
};

export interface InvoicePartyView {
  name: string;
  /** The address lines, then the country's name when known. */
  addressLines: string[];
  countryName: string | null;
  taxId: string | null;
  email: string | null;
}

function partyView(party: InvoiceParty): InvoicePartyView {
  const country = countryName(party.country, party.countryName);
  const address = party.address.map((line) => line.trim()).filter((line) => line !== '');
  return {
    name: party.name,
    addressLines: country ? [...address, country] : address,
    countryName: country,
    taxId: party.taxId.trim() || null,
    email: party.email.trim() || null,
  };
}

export function invoiceView(doc: InvoiceDocument) {
  const money = (minor: number) => formatMoney(minor, doc.currency);
  const creditNote = doc.kind === 'credit_note';
  const status = INVOICE_STATUS_VIEW[doc.status];
  const rate = `${rateText(doc.taxRateBp)} %`;
  return {
    number: doc.number,
    creditNote,
    /** "Invoice" or "Credit note": the document's title. */
    kindLabel: creditNote ? 'Credit note' : 'Invoice',
    /** "Invoice INV-2026-000123": the page's and the PDF's heading. */
    title: `${creditNote ? 'Credit note' : 'Invoice'} ${doc.number}`,
    /** The invoice a credit note refunds, by number, or null. */
    creditsNumber: creditNote ? doc.creditsNumber : null,
    creditsText: creditNote && doc.creditsNumber ? `Credit for invoice ${doc.creditsNumber}` : null,
    issuedDate: invoiceDate(doc.issuedAt),
    /** A credit note is not due: null for one. */
    dueDate: creditNote ? null : invoiceDate(doc.dueAt),
    paidDate: doc.status === 'paid' && doc.paidAt !== null ? invoiceDate(doc.paidAt) : null,
    status: doc.status,
    statusLabel: status.label,
    statusColor: status.color,
    /** "PAID" or "VOID", stamped on the document; null while open. */
    statusMark: status.mark,
    currency: doc.currency,
    seller: partyView(doc.seller),
    buyer: { ...partyView(doc.buyer), poReference: doc.buyer.poReference.trim() || null },
    lines: doc.lines.map((line) => ({
      description: line.description,
      quantity: String(line.quantity),
      unitPrice: money(line.unitMinor),
      amount: money(line.amountMinor),
    })),
    subtotal: money(doc.subtotalMinor),
    /** "19 %", "19.5 %". */
    taxRate: rate,
    /** "VAT 19 %": the tax line's label. */
    taxLabel: `VAT ${rate}`,
    tax: money(doc.taxMinor),
    total: money(doc.totalMinor),
  };
}

export type InvoiceView = ReturnType<typeof invoiceView>;

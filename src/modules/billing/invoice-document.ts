/**
 * An invoice or credit note as it was issued: what its printable page and
 * its PDF show. Seller and buyer are the details at issue time (later edits
 * of the billing details do not change it). Money is integer minor units of
 * `currency`; credit notes carry negative amounts.
 */
export interface InvoiceParty {
  name: string;
  /** Address lines, in order, without empty ones. */
  address: string[];
  /** ISO 3166-1 alpha-2, or null when not given. */
  country: string | null;
  /** The country's English name ("Germany"), or null. */
  countryName: string | null;
  taxId: string;
  email: string;
}

export interface InvoiceLine {
  description: string;
  quantity: number;
  unitMinor: number;
  amountMinor: number;
}

export interface InvoiceDocument {
  /** `INV-2026-000123`, or `CN-2026-000004` for a credit note. */
  number: string;
  kind: 'invoice' | 'credit_note';
  /** The invoice a credit note refunds, by number. */
  creditsNumber: string | null;
  /** Milliseconds since the epoch (shown as UTC dates). */
  issuedAt: number;
  dueAt: number;
  status: 'open' | 'paid' | 'void';
  paidAt: number | null;
  currency: string;
  seller: InvoiceParty;
  buyer: InvoiceParty & { poReference: string };
  lines: InvoiceLine[];
  subtotalMinor: number;
  /** Basis points: 1900 is 19 %. */
  taxRateBp: number;
  taxMinor: number;
  totalMinor: number;
}

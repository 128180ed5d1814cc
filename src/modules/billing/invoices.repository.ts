import { Injectable } from '@nestjs/common';
import { keysetClause, type PageRequest } from '../../common/pagination';
import { Sql } from '../../platform/database/sql';
import type { InvoiceDocument, InvoiceLine, InvoiceParty } from './invoice-document';

export type InvoiceStatus = 'open' | 'paid' | 'void';
export type InvoiceKind = 'invoice' | 'credit_note';
export type PaymentStatus = 'pending' | 'captured' | 'failed' | 'refunded';

export interface InvoiceRow {
  id: string;
  number: string;
  kind: InvoiceKind;
  organizationId: string;
  orderId: string | null;
  creditsInvoiceId: string | null;
  issuedAt: number;
  dueAt: number;
  currency: string;
  subtotalMinor: number;
  taxRateBp: number;
  taxMinor: number;
  totalMinor: number;
  seller: InvoiceParty;
  buyer: InvoiceDocument['buyer'];
  lines: InvoiceLine[];
  status: InvoiceStatus;
  paidAt: number | null;
  voidedAt: number | null;
  voidReason: string | null;
}

/** An invoice as lists show it: no parties or lines. */
export type InvoiceListRow = Pick<
  InvoiceRow,
  'id' | 'number' | 'kind' | 'organizationId' | 'issuedAt' | 'dueAt' | 'currency' | 'totalMinor' | 'status' | 'paidAt'
>;

export interface PaymentRow {
  id: string;
  organizationId: string;
  invoiceId: string;
  provider: string;
  methodLabel: string;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  providerRef: string | null;
  failure: string | null;
  createdAt: number;
}

export interface InvoiceListFilter {
  organizationId?: string;
  status?: InvoiceStatus;
}

const INVOICE = `select id, number, kind, organization_id as organizationId, order_id as orderId,
  credits_invoice_id as creditsInvoiceId, issued_at as issuedAt, due_at as dueAt, currency,
  subtotal_minor as subtotalMinor, tax_rate_bp as taxRateBp, tax_minor as taxMinor, total_minor as totalMinor,
  seller, buyer, lines, status, paid_at as paidAt, voided_at as voidedAt, void_reason as voidReason from invoices`;

/** The list's columns (also run by bench/floor.ts). */
export const INVOICE_LIST_COLUMNS = `id, number, kind, organization_id as organizationId, issued_at as issuedAt,
  due_at as dueAt, currency, total_minor as totalMinor, status, paid_at as paidAt`;

/** A payment's columns, as the lists read them (also run by bench/floor.ts). */
export const PAYMENT = `select id, organization_id as organizationId, invoice_id as invoiceId, provider,
  method_label as methodLabel, amount_minor as amountMinor, currency, status, provider_ref as providerRef, failure,
  created_at as createdAt from payments`;

type StoredInvoice = Omit<InvoiceRow, 'seller' | 'buyer' | 'lines'> & { seller: string; buyer: string; lines: string };
const invoice = (row: StoredInvoice | undefined): InvoiceRow | undefined =>
  row && {
    ...row,
    seller: JSON.parse(row.seller) as InvoiceParty,
    buyer: JSON.parse(row.buyer) as InvoiceDocument['buyer'],
    lines: JSON.parse(row.lines) as InvoiceLine[],
  };

/** The invoice list's SQL: newest first, keyset on (issued_at, id), on an index for each filter. */
export function invoiceListQuery(filter: InvoiceListFilter, request: PageRequest) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.organizationId) {
    where.push('organization_id = ?');
    params.push(filter.organizationId);
  }
  if (filter.status) {
    where.push('status = ?');
    params.push(filter.status);
  }
  const keyset = keysetClause(request, 'issued_at', 'id', 'desc');
  if (keyset.where) {
    where.push(keyset.where);
    params.push(...keyset.params);
  }
  return {
    sql: `select ${INVOICE_LIST_COLUMNS} from invoices ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${keyset.orderBy} limit ?`,
    params: [...params, request.limit + 1],
  };
}

/**
 * The invoices, invoice_counters and payments tables: plain rows through
 * `Sql`, in the caller's transaction. A number is taken from its counter in
 * the transaction that writes the invoice, so a rollback returns it: the
 * numbers have no gaps, and the write lock makes two issues take turns.
 */
@Injectable()
export class InvoicesRepository {
  constructor(private readonly sql: Sql) {}

  /** The next number of a series and year (1, 2, …), counted in the caller's transaction. */
  async nextNumber(series: string, year: number): Promise<number> {
    const row = await this.sql.get<{ last: number }>(
      `insert into invoice_counters (series, year, last) values (?, ?, 1)
         on conflict (series, year) do update set last = invoice_counters.last + 1
       returning last`,
      [series, year],
    );
    return row!.last;
  }

  async insert(row: InvoiceRow): Promise<void> {
    await this.sql.run(
      `insert into invoices (id, number, kind, organization_id, order_id, credits_invoice_id, issued_at, due_at,
         currency, subtotal_minor, tax_rate_bp, tax_minor, total_minor, seller, buyer, lines, status, paid_at,
         voided_at, void_reason)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.number,
        row.kind,
        row.organizationId,
        row.orderId,
        row.creditsInvoiceId,
        row.issuedAt,
        row.dueAt,
        row.currency,
        row.subtotalMinor,
        row.taxRateBp,
        row.taxMinor,
        row.totalMinor,
        JSON.stringify(row.seller),
        JSON.stringify(row.buyer),
        JSON.stringify(row.lines),
        row.status,
        row.paidAt,
        row.voidedAt,
        row.voidReason,
      ],
    );
  }

  async byId(id: string): Promise<InvoiceRow | undefined> {
    return invoice(await this.sql.get<StoredInvoice>(`${INVOICE} where id = ?`, [id]));
  }

  async byNumbers(numbers: readonly string[]): Promise<InvoiceRow[]> {
    if (numbers.length === 0) return [];
    const rows = await this.sql.all<StoredInvoice>(
      `${INVOICE} where number in (${numbers.map(() => '?').join(', ')})`,
      numbers,
    );
    return rows.map((row) => invoice(row)!);
  }

  async list(filter: InvoiceListFilter, request: PageRequest): Promise<InvoiceListRow[]> {
    const { sql, params } = invoiceListQuery(filter, request);
    return this.sql.all<InvoiceListRow>(sql, params);
  }

  /** The credit notes of an invoice. */
  creditNotesOf(invoiceId: string): Promise<InvoiceListRow[]> {
    return this.sql.all<InvoiceListRow>(
      `select ${INVOICE_LIST_COLUMNS} from invoices where credits_invoice_id = ? order by issued_at, id`,
      [invoiceId],
    );
  }

  /** open → paid. 1 or 0 rows. */
  async markPaid(id: string, now: number): Promise<number> {
    const result = await this.sql.run(
      `update invoices set status = 'paid', paid_at = ? where id = ? and status = 'open'`,
      [now, id],
    );
    return result.changes;
  }

  /** open → void. 1 or 0 rows. */
  async markVoid(id: string, now: number, reason: string): Promise<number> {
    const result = await this.sql.run(
      `update invoices set status = 'void', voided_at = ?, void_reason = ? where id = ? and status = 'open'`,
      [now, reason, id],
    );
    return result.changes;
  }

  async insertPayment(row: PaymentRow): Promise<void> {
    await this.sql.run(
      `insert into payments (id, organization_id, invoice_id, provider, method_label, amount_minor, currency, status,
         provider_ref, failure, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.organizationId,
        row.invoiceId,
        row.provider,
        row.methodLabel,
        row.amountMinor,
        row.currency,
        row.status,
        row.providerRef,
        row.failure,
        row.createdAt,
      ],
    );
  }

  /** Moves a payment from `from` to `to`. 1 or 0 rows. */
  async setPaymentStatus(id: string, from: PaymentStatus, to: PaymentStatus, providerRef?: string): Promise<number> {
    const result = await this.sql.run(
      `update payments set status = ?, provider_ref = coalesce(?, provider_ref) where id = ? and status = ?`,
      [to, providerRef ?? null, id, from],
    );
    return result.changes;
  }

  paymentsOf(invoiceId: string): Promise<PaymentRow[]> {
    return this.sql.all<PaymentRow>(`${PAYMENT} where invoice_id = ? order by created_at, id`, [invoiceId]);
  }

  /** An organization's payments, newest first; keyset on (created_at, id). */
  payments(organizationId: string, request: PageRequest): Promise<PaymentRow[]> {
    const keyset = keysetClause(request, 'created_at', 'id', 'desc');
    return this.sql.all<PaymentRow>(
      `${PAYMENT} where organization_id = ? ${keyset.where ? `and ${keyset.where}` : ''}
        order by ${keyset.orderBy} limit ?`,
      [organizationId, ...keyset.params, request.limit + 1],
    );
  }
}

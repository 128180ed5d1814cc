import { Injectable } from '@nestjs/common';
import { keysetClause, type PageRequest } from '../../common/pagination';
import { Sql } from '../../platform/database/sql';
import type { InvoiceLine } from './invoice-document';

export type OrderKind = 'renew' | 'upgrade' | 'add_seats';
export type OrderSource = 'admin' | 'auto_renew';
export type OrderStatus = 'quoted' | 'placed' | 'failed';

/** A license's terms before and after an order: the order applies only if the license is still as quoted. */
export interface LicenseTerms {
  planId: string;
  seats: number;
  expiresAt: number;
}

export interface OrderChange {
  from: LicenseTerms;
  to: LicenseTerms;
}

export interface OrderRow {
  id: string;
  organizationId: string;
  licenseId: string;
  kind: OrderKind;
  source: OrderSource;
  status: OrderStatus;
  /** The license's expiry when quoted: one auto-renewal per license and term. */
  termKey: number;
  currency: string;
  subtotalMinor: number;
  taxRateBp: number;
  taxMinor: number;
  totalMinor: number;
  lines: InvoiceLine[];
  change: OrderChange;
  quotedAt: number;
  validUntil: number;
  placedAt: number | null;
  placedBy: string | null;
  paymentMethodId: string | null;
  invoiceId: string | null;
  failure: string | null;
}

const ORDER = `select id, organization_id as organizationId, license_id as licenseId, kind, source, status,
  term_key as termKey, currency, subtotal_minor as subtotalMinor, tax_rate_bp as taxRateBp, tax_minor as taxMinor,
  total_minor as totalMinor, lines, change, quoted_at as quotedAt, valid_until as validUntil, placed_at as placedAt,
  placed_by as placedBy, payment_method_id as paymentMethodId, invoice_id as invoiceId, failure from orders`;

type StoredOrder = Omit<OrderRow, 'lines' | 'change'> & { lines: string; change: string };
const order = (row: StoredOrder | undefined): OrderRow | undefined =>
  row && {
    ...row,
    lines: JSON.parse(row.lines) as InvoiceLine[],
    change: JSON.parse(row.change) as OrderChange,
  };

/** The orders table: quotes, placed and failed orders. Plain rows through `Sql`, in the caller's transaction. */
@Injectable()
export class OrdersRepository {
  constructor(private readonly sql: Sql) {}

  async insert(row: OrderRow): Promise<void> {
    await this.sql.run(
      `insert into orders (id, organization_id, license_id, kind, source, status, term_key, currency, subtotal_minor,
         tax_rate_bp, tax_minor, total_minor, lines, change, quoted_at, valid_until, placed_at, placed_by,
         payment_method_id, invoice_id, failure)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.organizationId,
        row.licenseId,
        row.kind,
        row.source,
        row.status,
        row.termKey,
        row.currency,
        row.subtotalMinor,
        row.taxRateBp,
        row.taxMinor,
        row.totalMinor,
        JSON.stringify(row.lines),
        JSON.stringify(row.change),
        row.quotedAt,
        row.validUntil,
        row.placedAt,
        row.placedBy,
        row.paymentMethodId,
        row.invoiceId,
        row.failure,
      ],
    );
  }

  async byId(id: string): Promise<OrderRow | undefined> {
    return order(await this.sql.get<StoredOrder>(`${ORDER} where id = ?`, [id]));
  }

  /** The auto-renewal order of a license's term, if one was made. */
  async autoRenewal(licenseId: string, termKey: number): Promise<OrderRow | undefined> {
    return order(
      await this.sql.get<StoredOrder>(`${ORDER} where license_id = ? and term_key = ? and source = 'auto_renew'`, [
        licenseId,
        termKey,
      ]),
    );
  }

  /** Places a quote still valid at `now`: 1 row, or 0 when it was placed already or ran out. */
  async place(id: string, now: number, placedBy: string | null, paymentMethodId: string | null): Promise<number> {
    const result = await this.sql.run(
      `update orders set status = 'placed', placed_at = ?, placed_by = ?, payment_method_id = ?
        where id = ? and status = 'quoted' and valid_until > ?`,
      [now, placedBy, paymentMethodId, id, now],
    );
    return result.changes;
  }

  async setInvoice(id: string, invoiceId: string): Promise<void> {
    await this.sql.run('update orders set invoice_id = ? where id = ?', [invoiceId, id]);
  }

  async fail(id: string, failure: string): Promise<void> {
    await this.sql.run(`update orders set status = 'failed', failure = ? where id = ?`, [failure, id]);
  }

  /** Deletes quotes that ran out before `cutoff` and were never confirmed; how many. */
  async deleteQuotesBefore(cutoff: number): Promise<number> {
    const result = await this.sql.run(`delete from orders where status = 'quoted' and valid_until < ?`, [cutoff]);
    return result.changes;
  }

  /** Placed and failed orders of an organization, newest first; keyset on (quoted_at, id). */
  async list(organizationId: string, request: PageRequest): Promise<OrderRow[]> {
    const keyset = keysetClause(request, 'quoted_at', 'id', 'desc');
    const rows = await this.sql.all<StoredOrder>(
      `${ORDER} where organization_id = ? and status <> 'quoted' ${keyset.where ? `and ${keyset.where}` : ''}
        order by ${keyset.orderBy} limit ?`,
      [organizationId, ...keyset.params, request.limit + 1],
    );
    return rows.map((row) => order(row)!);
  }
}

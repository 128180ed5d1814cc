import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/sql';

/** A payment method as stored: never the full card number nor its security code. */
export interface PaymentMethodRow {
  id: string;
  organizationId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  holderName: string;
  provider: string;
  providerRef: string | null;
  isDefault: boolean;
  createdAt: number;
}

type StoredMethod = Omit<PaymentMethodRow, 'isDefault'> & { isDefault: number };
const method = (row: StoredMethod): PaymentMethodRow => ({ ...row, isDefault: row.isDefault === 1 });

const METHOD = `select id, organization_id as organizationId, brand, last4, exp_month as expMonth, exp_year as expYear,
  holder_name as holderName, provider, provider_ref as providerRef, is_default as isDefault, created_at as createdAt
  from payment_methods`;

/** A card's expiry as one number (year × 12 + month − 1), compared with the current month's in SQL. */
export const monthIndex = (year: number, month: number) => year * 12 + (month - 1);
const EXPIRY_INDEX = '(exp_year * 12 + exp_month - 1)';

/** payment_methods. Never opens a transaction: the caller's holds. */
@Injectable()
export class PaymentMethodsRepository {
  constructor(private readonly sql: Sql) {}

  /** The organization's methods not removed, oldest first. */
  async list(organizationId: string): Promise<PaymentMethodRow[]> {
    const rows = await this.sql.all<StoredMethod>(
      `${METHOD} where organization_id = ? and removed_at is null order by created_at, id`,
      [organizationId],
    );
    return rows.map(method);
  }

  async find(organizationId: string, id: string): Promise<PaymentMethodRow | undefined> {
    const row = await this.sql.get<StoredMethod>(
      `${METHOD} where id = ? and organization_id = ? and removed_at is null`,
      [id, organizationId],
    );
    return row && method(row);
  }

  /** The default method, unless its card expired before `currentMonth` (see monthIndex). */
  async findDefault(organizationId: string, currentMonth: number): Promise<PaymentMethodRow | undefined> {
    const row = await this.sql.get<StoredMethod>(
      `${METHOD} where organization_id = ? and removed_at is null and is_default = 1 and ${EXPIRY_INDEX} >= ?`,
      [organizationId, currentMonth],
    );
    return row && method(row);
  }

  /** Adds a method; it becomes the default when the organization has none (one statement). */
  async insert(row: Omit<PaymentMethodRow, 'isDefault'>): Promise<PaymentMethodRow> {
    const inserted = await this.sql.get<StoredMethod>(
      `insert into payment_methods (id, organization_id, brand, last4, exp_month, exp_year, holder_name, provider,
         provider_ref, is_default, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?,
         not exists (select 1 from payment_methods where organization_id = ? and is_default = 1 and removed_at is null),
         ?)
       returning id, organization_id as organizationId, brand, last4, exp_month as expMonth, exp_year as expYear,
         holder_name as holderName, provider, provider_ref as providerRef, is_default as isDefault,
         created_at as createdAt`,
      [
        row.id,
        row.organizationId,
        row.brand,
        row.last4,
        row.expMonth,
        row.expYear,
        row.holderName,
        row.provider,
        row.providerRef,
        row.organizationId,
        row.createdAt,
      ],
    );
    return method(inserted!);
  }

  /** Takes the default badge off the organization's current default. */
  async clearDefault(organizationId: string): Promise<void> {
    await this.sql.run(
      'update payment_methods set is_default = 0 where organization_id = ? and is_default = 1 and removed_at is null',
      [organizationId],
    );
  }

  /** Makes a method the default unless it is removed or expired before `currentMonth`; whether it did. */
  async setDefault(organizationId: string, id: string, currentMonth: number): Promise<boolean> {
    const { changes } = await this.sql.run(
      `update payment_methods set is_default = 1
        where id = ? and organization_id = ? and removed_at is null and ${EXPIRY_INDEX} >= ?`,
      [id, organizationId, currentMonth],
    );
    return changes === 1;
  }

  /** Removes a method (kept for the payments that name it, never shown again); whether it did. */
  async remove(organizationId: string, id: string, now: number): Promise<boolean> {
    const { changes } = await this.sql.run(
      `update payment_methods set removed_at = ?, is_default = 0
        where id = ? and organization_id = ? and removed_at is null`,
      [now, id, organizationId],
    );
    return changes === 1;
  }
}

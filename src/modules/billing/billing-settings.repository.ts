import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/sql';

/** The install's seller details (one row, or none yet). */
export interface BillingSettingsRow {
  sellerName: string;
  /** Lines separated by "\n". */
  sellerAddress: string;
  sellerCountry: string | null;
  sellerTaxId: string;
  sellerEmail: string;
  paymentTermsDays: number;
  updatedAt: number;
}

export interface TaxRateRow {
  country: string;
  /** Basis points: 1900 is 19 %. */
  rateBp: number;
  label: string;
  updatedAt: number;
}

/** billing_settings and tax_rates. Never opens a transaction: the caller's holds. */
@Injectable()
export class BillingSettingsRepository {
  constructor(private readonly sql: Sql) {}

  find(): Promise<BillingSettingsRow | undefined> {
    return this.sql.get<BillingSettingsRow>(
      `select seller_name as sellerName, seller_address as sellerAddress, seller_country as sellerCountry,
         seller_tax_id as sellerTaxId, seller_email as sellerEmail, payment_terms_days as paymentTermsDays,
         updated_at as updatedAt
         from billing_settings where id = 1`,
    );
  }

  async save(settings: Omit<BillingSettingsRow, 'updatedAt'>, now: number): Promise<void> {
    await this.sql.run(
      `insert into billing_settings (id, seller_name, seller_address, seller_country, seller_tax_id, seller_email,
         payment_terms_days, updated_at)
       values (1, ?, ?, ?, ?, ?, ?, ?)
       on conflict (id) do update set seller_name = excluded.seller_name, seller_address = excluded.seller_address,
         seller_country = excluded.seller_country, seller_tax_id = excluded.seller_tax_id,
         seller_email = excluded.seller_email, payment_terms_days = excluded.payment_terms_days,
         updated_at = excluded.updated_at`,
      [
        settings.sellerName,
        settings.sellerAddress,
        settings.sellerCountry,
        settings.sellerTaxId,
        settings.sellerEmail,
        settings.paymentTermsDays,
        now,
      ],
    );
  }

  taxRates(): Promise<TaxRateRow[]> {
    return this.sql.all<TaxRateRow>(
      'select country, rate_bp as rateBp, label, updated_at as updatedAt from tax_rates order by country',
    );
  }

  async taxRate(country: string): Promise<TaxRateRow | undefined> {
    return this.sql.get<TaxRateRow>(
      'select country, rate_bp as rateBp, label, updated_at as updatedAt from tax_rates where country = ?',
      [country],
    );
  }

  /** Adds the country's rate or changes it. */
  async saveTaxRate(rate: Omit<TaxRateRow, 'updatedAt'>, now: number): Promise<void> {
    await this.sql.run(
      `insert into tax_rates (country, rate_bp, label, updated_at) values (?, ?, ?, ?)
       on conflict (country) do update set rate_bp = excluded.rate_bp, label = excluded.label,
         updated_at = excluded.updated_at`,
      [rate.country, rate.rateBp, rate.label, now],
    );
  }

  /** The removed rate, or undefined when the country had none. */
  removeTaxRate(country: string): Promise<{ rateBp: number } | undefined> {
    return this.sql.get<{ rateBp: number }>('delete from tax_rates where country = ? returning rate_bp as rateBp', [
      country,
    ]);
  }
}

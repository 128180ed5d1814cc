import { rateText } from './invoice.view';
import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound } from '../../common/errors/app-error';
import { isLineOfText } from '../../common/http/text-rules';
import { AuditService } from '../../platform/audit/audit.service';
import { BillingSettingsRepository, type TaxRateRow } from './billing-settings.repository';
import { DEFAULT_PAYMENT_TERMS_DAYS, DEFAULT_SELLER_NAME } from './billing-profiles.service';
import { countryName, isCountry } from './countries';

export interface BillingSettingsInput {
  sellerName: string;
  /** Lines separated by line breaks. */
  sellerAddress?: string;
  sellerCountry?: string;
  sellerTaxId?: string;
  sellerEmail?: string;
  /** Whole days, as typed. */
  paymentTermsDays: string;
}

export interface BillingSettingsView {
  sellerName: string;
  sellerAddress: string;
  sellerCountry: string | null;
  sellerTaxId: string;
  sellerEmail: string;
  paymentTermsDays: number;
  updatedAt: number | null;
}

export const MAX_PAYMENT_TERMS_DAYS = 120;
const ADDRESS_LINES = 6;
const ADDRESS_LINE_LENGTH = 120;

/**
 * "19", "7.5", "20.05" percent as basis points (1900, 750, 2005), read as
 * text: no floating point. Null when it is not such a number or above 100 %.
 */
export function percentToBasisPoints(text: string): number | null {
  const found = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!found) return null;
  const bp = Number(found[1]) * 100 + Number((found[2] ?? '').padEnd(2, '0'));
  return bp <= 10000 ? bp : null;
}

/**
 * The operators' billing settings: the seller every invoice names, the
 * payment terms, and the tax rate per buyer country. Audited
 * `billing.settings_updated` and `billing.tax_rate_changed`.
 */
@Injectable()
export class BillingSettingsService {
  constructor(
    private readonly em: EntityManager,
    private readonly settings: BillingSettingsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async get(): Promise<BillingSettingsView> {
    const row = await this.settings.find();
    return {
      sellerName: row?.sellerName || DEFAULT_SELLER_NAME,
      sellerAddress: row?.sellerAddress ?? '',
      sellerCountry: row?.sellerCountry ?? null,
      sellerTaxId: row?.sellerTaxId ?? '',
      sellerEmail: row?.sellerEmail ?? '',
      paymentTermsDays: row?.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS,
      updatedAt: row?.updatedAt ?? null,
    };
  }

  async update(input: BillingSettingsInput): Promise<void> {
    const days = Number(input.paymentTermsDays);
    if (!/^\d{1,3}$/.test(input.paymentTermsDays) || days > MAX_PAYMENT_TERMS_DAYS) {
      throw new InputRefused({ paymentTermsDays: `Enter a whole number of days from 0 to ${MAX_PAYMENT_TERMS_DAYS}.` });
    }
    const lines = (input.sellerAddress ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length > ADDRESS_LINES) {
      throw new InputRefused({ sellerAddress: `Use at most ${ADDRESS_LINES} lines.` });
    }
    if (lines.some((l) => !isLineOfText(l) || [...l].length > ADDRESS_LINE_LENGTH)) {
      throw new InputRefused({
        sellerAddress: `Keep each line under ${ADDRESS_LINE_LENGTH} characters, without invisible formatting characters.`,
      });
    }
    const country = input.sellerCountry ?? null;
    if (country !== null && !isCountry(country))
      throw new InputRefused({ sellerCountry: 'Choose a country from the list.' });
    const next = {
      sellerName: input.sellerName,
      sellerAddress: lines.join('\n'),
      sellerCountry: country,
      sellerTaxId: input.sellerTaxId ?? '',
      sellerEmail: input.sellerEmail ?? '',
      paymentTermsDays: days,
    };
    await this.em.transactional(async () => {
      const before = await this.get();
      const changed = (Object.keys(next) as (keyof typeof next)[]).filter((key) => before[key] !== next[key]);
      await this.settings.save(next, +this.clock.now());
      await this.audit.record({
        action: 'billing.settings_updated',
        target: { type: 'billing_settings', id: 'seller', label: next.sellerName },
        organizationId: null,
        details: { changed },
      });
    });
  }

  async taxRates(): Promise<(TaxRateRow & { countryName: string; rate: string })[]> {
    return (await this.settings.taxRates())
      .map((r) => ({ ...r, countryName: countryName(r.country) ?? r.country, rate: rateText(r.rateBp) }))
      .sort((a, b) => a.countryName.localeCompare(b.countryName, 'en'));
  }

  /** Adds or changes a country's rate, "19" or "7.5" percent as typed. */
  async setTaxRate(input: { country: string; rate: string; label?: string }): Promise<TaxRateRow> {
    if (!isCountry(input.country)) throw new InputRefused({ country: 'Choose a country from the list.' });
    const rateBp = percentToBasisPoints(input.rate);
    if (rateBp === null) {
      throw new InputRefused({
        rate: 'Enter the rate in percent from 0 to 100, like 19 or 7.5 (at most two decimals).',
      });
    }
    const label = input.label ?? '';
    return this.em.transactional(async () => {
      const before = await this.settings.taxRate(input.country);
      await this.settings.saveTaxRate({ country: input.country, rateBp, label }, +this.clock.now());
      await this.audit.record({
        action: 'billing.tax_rate_changed',
        target: { type: 'tax_rate', id: input.country, label: countryName(input.country) ?? input.country },
        organizationId: null,
        details: { country: input.country, fromBp: before?.rateBp ?? null, toBp: rateBp, label },
      });
      return { country: input.country, rateBp, label, updatedAt: +this.clock.now() };
    });
  }

  async removeTaxRate(country: string): Promise<void> {
    if (!isCountry(country)) throw new NotFound();
    await this.em.transactional(async () => {
      const removed = await this.settings.removeTaxRate(country);
      if (!removed) throw new NotFound();
      await this.audit.record({
        action: 'billing.tax_rate_changed',
        target: { type: 'tax_rate', id: country, label: countryName(country) ?? country },
        organizationId: null,
        details: { country, fromBp: removed.rateBp, toBp: null },
      });
    });
  }
}

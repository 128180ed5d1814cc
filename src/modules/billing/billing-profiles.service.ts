import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound, RateLimited } from '../../common/errors/app-error';
import { SlidingQuota } from '../../common/http/rate-limit/daily-quota';
import { currentRequestInfo, systemActor } from '../../common/request-info';
import { AuditService } from '../../platform/audit/audit.service';
import { MailService } from '../../platform/mail/mail.service';
import { OrganizationsService } from '../organizations/organizations.service';
import {
  BillingProfilesRepository,
  type BillingDetailsRow,
  type BillingProfileRow,
} from './billing-profiles.repository';
import { BillingSettingsRepository } from './billing-settings.repository';
import { countryName } from './countries';
import type { InvoiceParty } from './invoice-document';

/** An organization's billing details; the defaults (all empty) when it has none yet. */
export interface BillingProfile extends BillingDetailsRow {
  organizationId: string;
  /** The confirmed billing email only: invoices and reminders go there. */
  billingEmail: string | null;
  /** An address waiting for its confirmation link to be followed (until then `billingEmail` stays in use). */
  pendingEmail: string | null;
  updatedAt: number | null;
}

/** What the billing details form sets; a field left out (or undefined) is empty. */
export interface BillingDetailsInput {
  companyName?: string;
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  postalCode?: string;
  region?: string;
  country?: string;
  taxId?: string;
  poReference?: string;
  /** A new address gets a confirmation link; empty removes the billing email. */
  billingEmail?: string;
}

/** The seller's name when the operators have not set one. */
export const DEFAULT_SELLER_NAME = 'SeatDesk';
export const DEFAULT_PAYMENT_TERMS_DAYS = 14;

/** How long the confirmation link for a new billing email works. */
export const BILLING_EMAIL_LINK_HOURS = 24;
/** Confirmation links to typed addresses per organization in any 24 hours: the page must not become a way to mail strangers. */
export const BILLING_EMAIL_LINKS_PER_DAY = 5;

const INVALID_LINK =
  'This link is not valid: it was already used, has expired, was replaced by a newer one, or was altered. Ask for a new one from the billing page.';
const WELL_FORMED = /^[\w-]{43}$/;
const digest = (token: string) => createHash('sha256').update(token).digest('hex');

const DETAIL_FIELDS = [
  'companyName',
  'addressLine1',
  'addressLine2',
  'city',
  'postalCode',
  'region',
  'country',
  'taxId',
  'poReference',
] as const satisfies readonly (keyof BillingDetailsRow)[];

function profileOf(organizationId: string, row: BillingProfileRow | undefined): BillingProfile {
  return {
    organizationId,
    companyName: row?.companyName ?? '',
    addressLine1: row?.addressLine1 ?? '',
    addressLine2: row?.addressLine2 ?? '',
    city: row?.city ?? '',
    postalCode: row?.postalCode ?? '',
    region: row?.region ?? '',
    country: row?.country ?? null,
    taxId: row?.taxId ?? '',
    poReference: row?.poReference ?? '',
    billingEmail: row?.billingEmail && row.billingEmailConfirmedAt !== null ? row.billingEmail : null,
    pendingEmail: row?.pendingEmail ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}

/**
 * An organization's billing details (company, address, country, tax id,
 * purchase-order reference) and its billing email, which changes only once
 * the new address has confirmed it from a single-use link; and what invoices
 * show of buyer and seller. Each change is one transaction with its audit
 * entry and mail.
 */
@Injectable()
export class BillingProfilesService {
  private readonly links = new SlidingQuota(BILLING_EMAIL_LINKS_PER_DAY, 24 * 3600);

  constructor(
    private readonly em: EntityManager,
    private readonly profiles: BillingProfilesRepository,
    private readonly settings: BillingSettingsRepository,
    private readonly organizations: OrganizationsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async get(organizationId: string): Promise<BillingProfile> {
    return profileOf(organizationId, await this.profiles.find(organizationId));
  }

  /**
   * Saves the details (audited `billing.details_updated` with the fields that
   * changed). A new billing email is not used yet: the address gets a link
   * (audited `billing.email_change_requested`); an empty one removes it.
   */
  async update(organizationId: string, input: BillingDetailsInput): Promise<BillingProfile> {
    const org = await this.organizations.findById(organizationId);
    if (!org) throw new NotFound();
    const details: BillingDetailsRow = {
      companyName: input.companyName ?? '',
      addressLine1: input.addressLine1 ?? '',
      addressLine2: input.addressLine2 ?? '',
      city: input.city ?? '',
      postalCode: input.postalCode ?? '',
      region: input.region ?? '',
      country: input.country ?? null,
      taxId: input.taxId ?? '',
      poReference: input.poReference ?? '',
    };
    if (details.country !== null && countryName(details.country) === null) {
      throw new InputRefused({ country: 'Choose a country from the list.' });
    }
    const email = input.billingEmail ? input.billingEmail.trim().toLowerCase() : null;
    const target = { type: 'organization', id: org.id, label: org.name };
    const before = await this.get(organizationId);
    const newLink = email !== null && email !== before.billingEmail && email !== before.pendingEmail;
    if (newLink) {
      const wait = this.links.take(organizationId, this.clock.now());
      if (wait !== null) {
        throw new RateLimited(wait, {
          billingEmail: `We sent ${BILLING_EMAIL_LINKS_PER_DAY} confirmation links within a day, the most we send. Follow a link already sent, or try again tomorrow.`,
        });
      }
    }
    try {
      await this.em.transactional(async () => {
        const now = +this.clock.now();
        await this.profiles.saveDetails(organizationId, details, now);
        const changed: string[] = DETAIL_FIELDS.filter((field) => before[field] !== details[field]);
        if (email === null && (before.billingEmail !== null || before.pendingEmail !== null)) {
          await this.profiles.clearEmail(organizationId, now);
          changed.push('billingEmail');
        } else if (email !== null && email === before.billingEmail && before.pendingEmail !== null) {
          // Back to the address in use: the pending one and its link are withdrawn.
          await this.profiles.clearPending(organizationId);
        }
        if (changed.length > 0) {
          await this.audit.record({
            action: 'billing.details_updated',
            target,
            organizationId,
            details: { changed },
          });
        }
        if (newLink && email !== null) {
          const token = randomBytes(32).toString('base64url');
          await this.profiles.setPending(
            organizationId,
            email,
            digest(token),
            now + BILLING_EMAIL_LINK_HOURS * 3600_000,
          );
          // Not a confirmed address yet: no security phrase, and no text the admin chose (the
          // organization's name is shown on the page the link opens).
          await this.mail.enqueue('billing-email-confirm', email, {
            email,
            token,
            hours: BILLING_EMAIL_LINK_HOURS,
            antiPhishingPhrase: null,
          });
          await this.audit.record({
            action: 'billing.email_change_requested',
            target,
            organizationId,
            details: { pendingEmail: email },
          });
        }
      });
    } catch (err) {
      if (newLink) this.links.giveBack(organizationId);
      throw err;
    }
    return this.get(organizationId);
  }

  /**
   * The link from the new address was opened: the address and organization
   * it would confirm, checked without using the link (a mail scanner opening
   * it changes nothing).
   */
  async checkEmailLink(token: unknown): Promise<{ email: string; organizationName: string }> {
    if (typeof token !== 'string' || !WELL_FORMED.test(token)) throw new InputRefused(INVALID_LINK);
    const pending = await this.profiles.findPending(digest(token), +this.clock.now());
    if (!pending) throw new InputRefused(INVALID_LINK);
    return {
      email: pending.pendingEmail,
      organizationName: (await this.organizations.nameOf(pending.organizationId)) ?? '',
    };
  }

  /** The confirmation was posted: the address becomes the billing email now (the link works once). */
  async confirmEmail(token: unknown): Promise<{ email: string; organizationId: string }> {
    if (typeof token !== 'string' || !WELL_FORMED.test(token)) throw new InputRefused(INVALID_LINK);
    return this.em.transactional(async () => {
      const confirmed = await this.profiles.confirmPending(digest(token), +this.clock.now());
      if (!confirmed) throw new InputRefused(INVALID_LINK);
      const name = (await this.organizations.nameOf(confirmed.organizationId)) ?? '';
      await this.audit.record({
        action: 'billing.email_confirmed',
        // Whoever follows the link holds the mailbox; signed in or not.
        actor: currentRequestInfo().actor ?? systemActor(`link sent to ${confirmed.billingEmail}`),
        target: { type: 'organization', id: confirmed.organizationId, label: name },
        organizationId: confirmed.organizationId,
        details: { billingEmail: confirmed.billingEmail },
      });
      return { email: confirmed.billingEmail, organizationId: confirmed.organizationId };
    });
  }

  /** The confirmed billing email of each organization that has one. */
  async billingEmails(organizationIds: readonly string[]): Promise<Map<string, string>> {
    if (organizationIds.length === 0) return new Map();
    const rows = await this.profiles.confirmedEmails([...new Set(organizationIds)]);
    return new Map(rows.map((row) => [row.organizationId, row.email]));
  }

  /** The buyer an invoice shows: the company name, else the organization's name. */
  async buyer(organizationId: string): Promise<InvoiceParty & { poReference: string }> {
    const profile = await this.get(organizationId);
    const name = profile.companyName || ((await this.organizations.nameOf(organizationId)) ?? '');
    const cityLine = [profile.postalCode, profile.city].filter(Boolean).join(' ');
    return {
      name,
      address: [profile.addressLine1, profile.addressLine2, cityLine, profile.region].filter(Boolean),
      country: profile.country,
      countryName: countryName(profile.country),
      taxId: profile.taxId,
      email: profile.billingEmail ?? '',
      poReference: profile.poReference,
    };
  }

  /** The seller an invoice shows, and the payment terms (defaults when the operators have set nothing). */
  async seller(): Promise<InvoiceParty & { paymentTermsDays: number }> {
    const row = await this.settings.find();
    return {
      name: row?.sellerName || DEFAULT_SELLER_NAME,
      address: (row?.sellerAddress ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
      country: row?.sellerCountry ?? null,
      countryName: countryName(row?.sellerCountry),
      taxId: row?.sellerTaxId ?? '',
      email: row?.sellerEmail ?? '',
      paymentTermsDays: row?.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS,
    };
  }

  /** The tax rate for a buyer in `country`, in basis points; 0 when it has none (or no country). */
  async taxRateBp(country: string | null): Promise<number> {
    if (!country) return 0;
    return (await this.settings.taxRate(country))?.rateBp ?? 0;
  }
}

import { Injectable } from '@nestjs/common';
import { placeholders, Sql } from '../../platform/database/sql';

/** The details a billing-details form sets (the email is handled on its own). */
export interface BillingDetailsRow {
  companyName: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  postalCode: string;
  region: string;
  country: string | null;
  taxId: string;
  poReference: string;
}

/** An organization's billing details as stored (one row, or none yet). */
export interface BillingProfileRow extends BillingDetailsRow {
  organizationId: string;
  billingEmail: string | null;
  billingEmailConfirmedAt: number | null;
  pendingEmail: string | null;
  pendingEmailExpiresAt: number | null;
  updatedAt: number;
}

const PROFILE = `select organization_id as organizationId, company_name as companyName,
  address_line1 as addressLine1, address_line2 as addressLine2, city, postal_code as postalCode, region, country,
  tax_id as taxId, po_reference as poReference, billing_email as billingEmail,
  billing_email_confirmed_at as billingEmailConfirmedAt, pending_email as pendingEmail,
  pending_email_expires_at as pendingEmailExpiresAt, updated_at as updatedAt
  from billing_profiles`;

/** billing_profiles. Never opens a transaction: the caller's holds. */
@Injectable()
export class BillingProfilesRepository {
  constructor(private readonly sql: Sql) {}

  find(organizationId: string): Promise<BillingProfileRow | undefined> {
    return this.sql.get<BillingProfileRow>(`${PROFILE} where organization_id = ?`, [organizationId]);
  }

  /** Writes the details (a first row, or over the existing one), leaving the email columns as they are. */
  async saveDetails(organizationId: string, details: BillingDetailsRow, now: number): Promise<void> {
    const values = [
      details.companyName,
      details.addressLine1,
      details.addressLine2,
      details.city,
      details.postalCode,
      details.region,
      details.country,
      details.taxId,
      details.poReference,
    ];
    await this.sql.run(
      `insert into billing_profiles (organization_id, company_name, address_line1, address_line2, city, postal_code,
         region, country, tax_id, po_reference, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (organization_id) do update set company_name = excluded.company_name,
         address_line1 = excluded.address_line1, address_line2 = excluded.address_line2, city = excluded.city,
         postal_code = excluded.postal_code, region = excluded.region, country = excluded.country,
         tax_id = excluded.tax_id, po_reference = excluded.po_reference, updated_at = excluded.updated_at`,
      [organizationId, ...values, now],
    );
  }

  /** A new address waits for its confirmation (replacing any earlier pending one and its link). */
  async setPending(organizationId: string, email: string, digest: string, expiresAt: number): Promise<void> {
    await this.sql.run(
      `update billing_profiles set pending_email = ?, pending_email_digest = ?, pending_email_expires_at = ?
        where organization_id = ?`,
      [email, digest, expiresAt, organizationId],
    );
  }

  /** Withdraws the pending address and its link. */
  async clearPending(organizationId: string): Promise<void> {
    await this.sql.run(
      `update billing_profiles set pending_email = null, pending_email_digest = null, pending_email_expires_at = null
        where organization_id = ?`,
      [organizationId],
    );
  }

  /** No billing email: invoices and reminders go to the admins. Any pending one is withdrawn too. */
  async clearEmail(organizationId: string, now: number): Promise<void> {
    await this.sql.run(
      `update billing_profiles set billing_email = null, billing_email_confirmed_at = null, pending_email = null,
         pending_email_digest = null, pending_email_expires_at = null, updated_at = ?
        where organization_id = ?`,
      [now, organizationId],
    );
  }

  /** Whose pending address a still-valid link would confirm, without using it. */
  findPending(digest: string, now: number): Promise<{ organizationId: string; pendingEmail: string } | undefined> {
    return this.sql.get(
      `select organization_id as organizationId, pending_email as pendingEmail from billing_profiles
        where pending_email_digest = ? and pending_email_expires_at > ? and pending_email is not null`,
      [digest, now],
    );
  }

  /** Uses a link: the pending address becomes the billing email, at most once (one conditional statement). */
  confirmPending(digest: string, now: number): Promise<{ organizationId: string; billingEmail: string } | undefined> {
    return this.sql.get(
      `update billing_profiles set billing_email = pending_email, billing_email_confirmed_at = ?, pending_email = null,
         pending_email_digest = null, pending_email_expires_at = null, updated_at = ?
        where pending_email_digest = ? and pending_email_expires_at > ? and pending_email is not null
        returning organization_id as organizationId, billing_email as billingEmail`,
      [now, now, digest, now],
    );
  }

  /** The confirmed billing emails of these organizations (those that have one). */
  async confirmedEmails(organizationIds: readonly string[]): Promise<{ organizationId: string; email: string }[]> {
    const found: { organizationId: string; email: string }[] = [];
    // Bound parameters are limited per statement: chunks of 500.
    for (let i = 0; i < organizationIds.length; i += 500) {
      const chunk = organizationIds.slice(i, i + 500);
      found.push(
        ...(await this.sql.all<{ organizationId: string; email: string }>(
          `select organization_id as organizationId, billing_email as email from billing_profiles
            where organization_id in (${placeholders(chunk.length)})
              and billing_email is not null and billing_email_confirmed_at is not null`,
          chunk,
        )),
      );
    }
    return found;
  }
}

import { Injectable } from '@nestjs/common';
import { placeholders, Sql } from '../../platform/database/sql';

// Provisional (the lead's minimal version; H2's replaces it).
@Injectable()
export class BillingProfilesRepository {
  constructor(private readonly sql: Sql) {}

  byOrganization(organizationId: string) {
    return this.sql.get<Record<string, unknown>>(
      `select organization_id as organizationId, company_name as companyName, address_line1 as addressLine1,
         address_line2 as addressLine2, city, postal_code as postalCode, region, country, tax_id as taxId,
         po_reference as poReference, billing_email as billingEmail, pending_email as pendingEmail,
         updated_at as updatedAt
       from billing_profiles where organization_id = ?`,
      [organizationId],
    );
  }

  billingEmails(organizationIds: readonly string[]) {
    if (organizationIds.length === 0) return Promise.resolve([]);
    return this.sql.all<{ organizationId: string; email: string }>(
      `select organization_id as organizationId, billing_email as email from billing_profiles
        where billing_email is not null and organization_id in (${placeholders(organizationIds.length)})`,
      organizationIds,
    );
  }

  settings() {
    return this.sql.get<Record<string, unknown>>(
      `select seller_name as name, seller_address as address, seller_country as country, seller_tax_id as taxId,
         seller_email as email, payment_terms_days as paymentTermsDays from billing_settings where id = 1`,
    );
  }

  taxRate(country: string) {
    return this.sql.get<{ rateBp: number }>('select rate_bp as rateBp from tax_rates where country = ?', [country]);
  }
}

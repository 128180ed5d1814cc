import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/sql';

// Provisional (the lead's minimal version; H2's replaces it).
@Injectable()
export class PaymentMethodsRepository {
  constructor(private readonly sql: Sql) {}

  list(organizationId: string) {
    return this.sql.all<Record<string, unknown>>(
      `select id, organization_id as organizationId, brand, last4, exp_month as expMonth, exp_year as expYear,
         holder_name as holderName, provider, provider_ref as providerRef, is_default as isDefault,
         created_at as createdAt
       from payment_methods where organization_id = ? and removed_at is null order by created_at, id`,
      [organizationId],
    );
  }
}

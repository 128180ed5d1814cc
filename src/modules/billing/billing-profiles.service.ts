import { Injectable } from '@nestjs/common';
import { OrganizationsService } from '../organizations/organizations.service';
import { BillingProfilesRepository } from './billing-profiles.repository';
import type { InvoiceParty } from './invoice-document';

// Provisional (the lead's minimal version; H2's replaces it).
export interface BillingProfile {
  organizationId: string;
  companyName: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  postalCode: string;
  region: string;
  country: string | null;
  taxId: string;
  poReference: string;
  billingEmail: string | null;
  pendingEmail: string | null;
  updatedAt: number | null;
}

@Injectable()
export class BillingProfilesService {
  constructor(
    private readonly profiles: BillingProfilesRepository,
    private readonly organizations: OrganizationsService,
  ) {}

  async get(organizationId: string): Promise<BillingProfile> {
    const row = (await this.profiles.byOrganization(organizationId)) as BillingProfile | undefined;
    return (
      row ?? {
        organizationId,
        companyName: '',
        addressLine1: '',
        addressLine2: '',
        city: '',
        postalCode: '',
        region: '',
        country: null,
        taxId: '',
        poReference: '',
        billingEmail: null,
        pendingEmail: null,
        updatedAt: null,
      }
    );
  }

  async billingEmails(organizationIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.profiles.billingEmails(organizationIds);
    return new Map(rows.map((row) => [row.organizationId, row.email]));
  }

  async buyer(organizationId: string): Promise<InvoiceParty & { poReference: string }> {
    const profile = await this.get(organizationId);
    const name = profile.companyName || ((await this.organizations.nameOf(organizationId)) ?? '');
    return {
      name,
      address: [
        profile.addressLine1,
        profile.addressLine2,
        `${profile.postalCode} ${profile.city}`.trim(),
        profile.region,
      ].filter(Boolean),
      country: profile.country,
      countryName: profile.country,
      taxId: profile.taxId,
      email: profile.billingEmail ?? '',
      poReference: profile.poReference,
    };
  }

  async seller(): Promise<InvoiceParty & { paymentTermsDays: number }> {
    const row = (await this.profiles.settings()) as
      | {
          name: string;
          address: string;
          country: string | null;
          taxId: string;
          email: string;
          paymentTermsDays: number;
        }
      | undefined;
    return {
      name: row?.name || 'SeatDesk',
      address: (row?.address ?? '').split('\n').filter(Boolean),
      country: row?.country ?? null,
      countryName: row?.country ?? null,
      taxId: row?.taxId ?? '',
      email: row?.email ?? '',
      paymentTermsDays: row?.paymentTermsDays ?? 14,
    };
  }

  async taxRateBp(country: string | null): Promise<number> {
    return country ? ((await this.profiles.taxRate(country))?.rateBp ?? 0) : 0;
  }
}

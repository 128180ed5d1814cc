import { Injectable } from '@nestjs/common';
import { NotFound } from '../../common/errors/app-error';
import { PaymentMethodsRepository } from './payment-methods.repository';

// Provisional (the lead's minimal version; H2's replaces it).
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

export const methodLabel = (m: Pick<PaymentMethodRow, 'brand' | 'last4'>) => `${m.brand} •••• ${m.last4}`;

@Injectable()
export class PaymentMethodsService {
  constructor(private readonly methods: PaymentMethodsRepository) {}

  async list(organizationId: string): Promise<(PaymentMethodRow & { expiringSoon: boolean; expired: boolean })[]> {
    const rows = (await this.methods.list(organizationId)) as (Omit<PaymentMethodRow, 'isDefault'> & {
      isDefault: number;
    })[];
    return rows.map((row) => ({ ...row, isDefault: row.isDefault === 1, expiringSoon: false, expired: false }));
  }

  async get(organizationId: string, id: string): Promise<PaymentMethodRow> {
    const found = (await this.list(organizationId)).find((row) => row.id === id);
    if (!found) throw new NotFound('Payment method not found.');
    return found;
  }

  async defaultOf(organizationId: string): Promise<PaymentMethodRow | null> {
    return (await this.list(organizationId)).find((row) => row.isDefault) ?? null;
  }
}

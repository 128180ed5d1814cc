import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { FORM_LEVEL, InputRefused, NotFound } from '../../common/errors/app-error';
import { AuditService } from '../../platform/audit/audit.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { checkCard, isExpired, isExpiringSoon } from './card';
import { PaymentProviders } from './payment-providers';
import { monthIndex, PaymentMethodsRepository, type PaymentMethodRow } from './payment-methods.repository';

export type { PaymentMethodRow } from './payment-methods.repository';

/** What a person recognizes a method by: "Visa •••• 4242". */
export const methodLabel = (m: Pick<PaymentMethodRow, 'brand' | 'last4'>) => `${m.brand} •••• ${m.last4}`;

/** The card form as typed. The number and the security code go no further than this service's check. */
export interface NewCardInput {
  holderName: string;
  cardNumber: string;
  expiry: string;
  cvc: string;
}

export type ListedPaymentMethod = PaymentMethodRow & { expiringSoon: boolean; expired: boolean };

const expiryOf = (m: Pick<PaymentMethodRow, 'expMonth' | 'expYear'>) => ({ month: m.expMonth, year: m.expYear });
const expiryText = (m: Pick<PaymentMethodRow, 'expMonth' | 'expYear'>) =>
  `${String(m.expMonth).padStart(2, '0')}/${String(m.expYear % 100).padStart(2, '0')}`;

/**
 * An organization's payment methods: cards kept as brand, last four digits,
 * expiry and holder's name only. The first card becomes the default; an
 * expired card is never the default. Each change is one transaction with its
 * audit entry (brand, last four, expiry: never the number).
 */
@Injectable()
export class PaymentMethodsService {
  constructor(
    private readonly em: EntityManager,
    private readonly methods: PaymentMethodsRepository,
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly providers: PaymentProviders,
  ) {}

  /** The methods not removed, oldest first, with what their expiry means now. */
  async list(organizationId: string): Promise<ListedPaymentMethod[]> {
    const now = +this.clock.now();
    return (await this.methods.list(organizationId)).map((m) => ({
      ...m,
      expired: isExpired(expiryOf(m), now),
      expiringSoon: isExpiringSoon(expiryOf(m), now),
    }));
  }

  /** One of the organization's methods; another organization's, or a removed one, is not found. */
  async get(organizationId: string, id: string): Promise<PaymentMethodRow> {
    const found = await this.methods.find(organizationId, id);
    if (!found) throw new NotFound();
    return found;
  }

  /** The default method, or null when there is none or its card has expired. */
  async defaultOf(organizationId: string): Promise<PaymentMethodRow | null> {
    return (await this.methods.findDefault(organizationId, this.currentMonth())) ?? null;
  }

  /** Checks the card and keeps its brand, last four, expiry and holder (audited `payment_method.added`). */
  async add(organizationId: string, input: NewCardInput): Promise<PaymentMethodRow> {
    const checked = checkCard(input, +this.clock.now());
    if ('errors' in checked) throw new InputRefused(checked.errors);
    const { card } = checked;
    const target = await this.target(organizationId);
    return this.em.transactional(async () => {
      const added = await this.methods.insert({
        id: randomUUID(),
        organizationId,
        brand: card.brand,
        last4: card.last4,
        expMonth: card.expMonth,
        expYear: card.expYear,
        holderName: input.holderName,
        provider: this.providers.card.id,
        providerRef: null,
        createdAt: +this.clock.now(),
      });
      await this.audit.record({
        action: 'payment_method.added',
        target,
        organizationId,
        details: { ...this.auditDetails(added), default: added.isDefault },
      });
      return added;
    });
  }

  /** Makes a method the default (audited `payment_method.default_changed`); an expired card is refused. */
  async makeDefault(organizationId: string, id: string): Promise<PaymentMethodRow> {
    const method = await this.get(organizationId, id);
    if (method.isDefault) return method;
    const target = await this.target(organizationId);
    return this.em.transactional(async () => {
      await this.methods.clearDefault(organizationId);
      if (!(await this.methods.setDefault(organizationId, id, this.currentMonth()))) {
        if (!(await this.methods.find(organizationId, id))) throw new NotFound();
        throw new InputRefused({
          [FORM_LEVEL]: `${methodLabel(method)} has expired, so it cannot be the default. Add a valid card instead.`,
        });
      }
      await this.audit.record({
        action: 'payment_method.default_changed',
        target,
        organizationId,
        details: this.auditDetails(method),
      });
      return { ...method, isDefault: true };
    });
  }

  /** Removes a method (audited `payment_method.removed`); removing the default leaves none. */
  async remove(organizationId: string, id: string): Promise<PaymentMethodRow> {
    const method = await this.get(organizationId, id);
    const target = await this.target(organizationId);
    return this.em.transactional(async () => {
      if (!(await this.methods.remove(organizationId, id, +this.clock.now()))) throw new NotFound();
      await this.audit.record({
        action: 'payment_method.removed',
        target,
        organizationId,
        details: { ...this.auditDetails(method), wasDefault: method.isDefault },
      });
      return method;
    });
  }

  private auditDetails(m: PaymentMethodRow) {
    return { paymentMethodId: m.id, brand: m.brand, last4: m.last4, expiry: expiryText(m) };
  }

  private async target(organizationId: string) {
    const name = await this.organizations.nameOf(organizationId);
    if (name === null) throw new NotFound();
    return { type: 'organization', id: organizationId, label: name };
  }

  private currentMonth(): number {
    const now = this.clock.now();
    return monthIndex(now.getUTCFullYear(), now.getUTCMonth() + 1);
  }
}

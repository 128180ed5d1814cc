import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import { Conflict, FORM_LEVEL, InputRefused, NotFound } from '../../common/errors/app-error';
import { formatMoney } from '../../common/money';
import { allPages, toPage, type Page, type PageRequest } from '../../common/pagination';
import { currentRequestInfo } from '../../common/request-info';
import type { AppConfig } from '../../config/app.config';
import { AuditService } from '../../platform/audit/audit.service';
import { MailService } from '../../platform/mail/mail.service';
import type { PaymentAuthorization } from '../../platform/plugin-host/plugin.types';
import { CatalogService, type PlanRow } from '../catalog/catalog.service';
import { LicensesService, type LicenseListItem } from '../licenses/licenses.service';
import type { AutoRenewalOutcome, RenewalBillingHandler } from '../licenses/renewal-billing';
import { PeopleService } from '../people/people.service';
import { BillingProfilesService } from './billing-profiles.service';
import type { InvoiceLine } from './invoice-document';
import { InvoicesService, type InvoiceRow } from './invoices.service';
import { OrdersRepository, type LicenseTerms, type OrderKind, type OrderRow } from './orders.repository';
import { methodLabel, PaymentMethodsService, type PaymentMethodRow } from './payment-methods.service';
import { PaymentProviders, type PaymentProvider } from './payment-providers';
import { addMonths, endOfPreviousDay, scale, taxOn, termLeft, utcDay } from './pricing';

export type { OrderKind, OrderRow } from './orders.repository';

const DAY = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const months = (n: number) => (n === 1 ? '1 month' : `${n} months`);
const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });

/** What an admin asks a quote for. */
export interface QuoteRequest {
  kind: OrderKind;
  /** add_seats: how many more. */
  seats?: number;
  /** upgrade: the plan to move to. */
  planId?: string;
}

/** How the admin pays: a saved card, or by invoice. */
export type PaymentChoice = { card: string } | 'invoice';

/** A quote before it is stored: lines, totals, and the license's terms before and after. */
interface Priced {
  currency: string;
  lines: InvoiceLine[];
  subtotalMinor: number;
  taxRateBp: number;
  taxMinor: number;
  totalMinor: number;
  change: { from: LicenseTerms; to: LicenseTerms };
}

const KIND_NAMES: Record<OrderKind, string> = { renew: 'Renewal', upgrade: 'Upgrade', add_seats: 'Extra seats' };
export const orderKindName = (kind: OrderKind) => KIND_NAMES[kind];

/**
 * Orders: renewing a license early, upgrading its plan, adding seats. An
 * admin asks for a quote (priced to the day, taxed at the buyer's country's
 * rate, valid until the end of the day), then confirms it with a card or by
 * invoice; the order, the license's new terms, the invoice and the payment
 * commit together. The `licenses.renew-due` job renews licenses with
 * auto-renew on through `renewAtExpiry`, once per license and term.
 */
@Injectable()
export class OrdersService implements RenewalBillingHandler {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly orders: OrdersRepository,
    private readonly invoices: InvoicesService,
    private readonly licenses: LicensesService,
    private readonly catalog: CatalogService,
    private readonly profiles: BillingProfilesService,
    private readonly methods: PaymentMethodsService,
    private readonly providers: PaymentProviders,
    private readonly people: PeopleService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  /** Prices what the admin asks for and keeps it as a quote, valid until the end of today (UTC). */
  async quote(organizationId: string, licenseId: string, request: QuoteRequest): Promise<OrderRow> {
    const license = await this.licenses.get(organizationId, licenseId);
    const now = +this.clock.now();
    const priced = await this.price(license, request, now);
    const row: OrderRow = {
      id: randomUUID(),
      organizationId,
      licenseId,
      kind: request.kind,
      source: 'admin',
      status: 'quoted',
      termKey: license.expiresAt,
      ...priced,
      quotedAt: now,
      validUntil: (utcDay(now) + 1) * DAY,
      placedAt: null,
      placedBy: null,
      paymentMethodId: null,
      invoiceId: null,
      failure: null,
    };
    await this.em.transactional(() => this.orders.insert(row));
    return row;
  }

  /** One order (or quote) of the organization; operators pass null. */
  async get(organizationId: string | null, id: string): Promise<OrderRow> {
    const row = await this.orders.byId(id);
    if (!row || (organizationId !== null && row.organizationId !== organizationId)) {
      throw new NotFound('Order not found.');
    }
    return row;
  }

  async list(organizationId: string, request: PageRequest): Promise<Page<OrderRow>> {
    return toPage(await this.orders.list(organizationId, request), request, (row) => [row.quotedAt, row.id]);
  }

  /** Every placed or failed order, a batch at a time (the CSV export). */
  all(organizationId: string): AsyncGenerator<OrderRow[]> {
    return allPages(
      (request) => this.orders.list(organizationId, request),
      (row) => [row.quotedAt, row.id],
    );
  }

  /**
   * Confirms a quote: the payment is authorized first (a declined card
   * leaves the quote as it was, to try another way), then the order, the
   * license's new terms, the invoice and the payment commit in one
   * transaction. Confirming twice gives the first confirmation's invoice.
   */
  async place(organizationId: string, orderId: string, choice: PaymentChoice): Promise<InvoiceRow> {
    const order = await this.get(organizationId, orderId);
    if (order.status === 'placed' && order.invoiceId) return this.invoices.get(organizationId, order.invoiceId);
    if (order.status !== 'quoted') throw refused('This order cannot be confirmed.');
    if (order.validUntil <= +this.clock.now()) {
      throw refused('This quote ran out at the end of its day: ask for a new one (prices are to the day).');
    }
    const method = choice === 'invoice' ? null : await this.chosenCard(organizationId, choice.card);
    const provider = method ? this.providers.card : this.providers.invoice;
    const authorization = await this.authorize(provider, order, method, order.id);
    if (authorization.outcome === 'declined') {
      await this.em.transactional(() =>
        this.audit.record({
          action: 'payment.failed',
          outcome: 'failure',
          target: { type: 'order', id: order.id, label: orderKindName(order.kind) },
          organizationId,
          details: {
            provider: provider.id,
            method: method ? methodLabel(method) : 'Invoice',
            amount: formatMoney(order.totalMinor, order.currency),
            reason: authorization.reason,
          },
        }),
      );
      throw new InputRefused({
        paymentMethod: `The payment failed: ${authorization.reason} Choose another way to pay.`,
      });
    }
    const actor = currentRequestInfo().actor;
    return this.em.transactional(async () => {
      if ((await this.orders.place(order.id, +this.clock.now(), actor?.label ?? null, method?.id ?? null)) === 0) {
        const again = await this.get(organizationId, orderId);
        if (again.status === 'placed' && again.invoiceId) return this.invoices.get(organizationId, again.invoiceId);
        throw refused('This quote ran out or was confirmed meanwhile: ask for a new one.');
      }
      return this.fulfil({ ...order, status: 'placed' }, provider, method, authorization);
    });
  }

  /**
   * The `licenses.renew-due` job's renewal of a license whose term ran out:
   * a renewal order for the same plan and seats from the old expiry, paid
   * with the default card (or invoiced when there is none). One order per
   * license and term (a unique index): a second run, a concurrent run or a
   * run after a crash finds it. The payment's idempotency key is the
   * license and term, so a retry never charges twice.
   */
  async renewAtExpiry(license: LicenseListItem): Promise<AutoRenewalOutcome> {
    const termKey = license.expiresAt;
    const done = await this.orders.autoRenewal(license.id, termKey);
    if (done) return done.status === 'placed' ? 'renewed' : 'failed';
    const now = +this.clock.now();
    const priced = await this.price(license, { kind: 'renew' }, now);
    const method = await this.usableDefault(license.organizationId, now);
    const provider = method ? this.providers.card : this.providers.invoice;
    const row: OrderRow = {
      id: randomUUID(),
      organizationId: license.organizationId,
      licenseId: license.id,
      kind: 'renew',
      source: 'auto_renew',
      status: 'placed',
      termKey,
      ...priced,
      quotedAt: now,
      validUntil: now,
      placedAt: now,
      placedBy: 'Auto-renewal',
      paymentMethodId: method?.id ?? null,
      invoiceId: null,
      failure: null,
    };
    const authorization = await this.authorize(provider, row, method, `auto-renew:${license.id}:${termKey}`);
    return this.em.transactional(async () => {
      // Inside the write lock: a concurrent run that got here first made the order.
      const raced = await this.orders.autoRenewal(license.id, termKey);
      if (raced) return raced.status === 'placed' ? 'renewed' : 'failed';
      if (authorization.outcome === 'declined') {
        await this.orders.insert({ ...row, status: 'failed', failure: authorization.reason });
        await this.renewalFailed(license, row, provider, method, authorization.reason);
        return 'failed';
      }
      await this.orders.insert(row);
      const invoice = await this.fulfil(row, provider, method, authorization);
      return invoice ? 'renewed' : 'failed';
    });
  }

  /** The `billing.prune-quotes` job: quotes never confirmed go 30 days after they ran out. */
  async pruneQuotes(): Promise<{ deleted: number }> {
    const cutoff = +this.clock.now() - 30 * DAY;
    return { deleted: await this.em.transactional(() => this.orders.deleteQuotesBefore(cutoff)) };
  }

  billingEmails(organizationIds: readonly string[]): Promise<Map<string, string>> {
    return this.profiles.billingEmails(organizationIds);
  }

  /** The plans a license can be upgraded to (the catalog's upgrade paths from its plan). */
  async upgradesFor(license: LicenseListItem): Promise<PlanRow[]> {
    const details = await this.catalog.details(license.productId);
    const targets = details.plans.find((plan) => plan.id === license.planId)?.upgradesTo ?? [];
    return details.plans.filter((plan) => targets.includes(plan.id));
  }

  // In the caller's transaction, for a placed order: the license's new terms, the invoice and its payment.
  private async fulfil(
    order: OrderRow,
    provider: PaymentProvider,
    method: PaymentMethodRow | null,
    authorization: Exclude<PaymentAuthorization, { outcome: 'declined' }>,
  ): Promise<InvoiceRow> {
    const license = await this.licenses.get(order.organizationId, order.licenseId);
    if (!(await this.licenses.applyOrder(license, order.kind, order.change, order.id))) {
      throw refused('The license changed since this quote (or was suspended): ask for a new quote.');
    }
    let captured = false;
    let reference = authorization.reference;
    if (authorization.outcome === 'approved' && order.totalMinor > 0) {
      const capture = await provider.capture(authorization.reference, order.totalMinor, order.currency);
      if (!capture.ok) throw refused(`The payment could not be completed: ${capture.reason}`);
      captured = true;
      reference = capture.reference;
    }
    const invoice = await this.invoices.issue(
      {
        organizationId: order.organizationId,
        orderId: order.id,
        currency: order.currency,
        lines: order.lines,
        subtotalMinor: order.subtotalMinor,
        taxRateBp: order.taxRateBp,
        taxMinor: order.taxMinor,
        totalMinor: order.totalMinor,
        paid: captured,
        summary: this.summary(license, order),
      },
      {
        provider: provider.id,
        methodLabel: method ? methodLabel(method) : 'Invoice',
        status: captured ? 'captured' : 'pending',
        providerRef: reference,
      },
    );
    await this.orders.setInvoice(order.id, invoice.id);
    await this.audit.record({
      action: 'order.placed',
      target: { type: 'order', id: order.id, label: `${orderKindName(order.kind)}: ${license.product.name}` },
      organizationId: order.organizationId,
      details: {
        kind: order.kind,
        total: formatMoney(order.totalMinor, order.currency),
        invoice: invoice.number,
        provider: provider.id,
        ...(order.source === 'auto_renew' ? { automatic: true } : {}),
      },
    });
    return invoice;
  }

  private summary(license: LicenseListItem, order: OrderRow): string {
    const name = `${license.product.name} (key ending ${license.keyHint})`;
    switch (order.kind) {
      case 'renew':
        return `Your ${name} license was renewed: it now runs until ${dateOf(order.change.to.expiresAt)}.`;
      case 'upgrade':
        return `Your ${name} license was upgraded: it now runs until ${dateOf(order.change.to.expiresAt)}.`;
      case 'add_seats':
        return `Your ${name} license now has ${order.change.to.seats} seats.`;
    }
  }

  private async renewalFailed(
    license: LicenseListItem,
    order: OrderRow,
    provider: PaymentProvider,
    method: PaymentMethodRow | null,
    reason: string,
  ): Promise<void> {
    const target = { type: 'order', id: order.id, label: `Auto-renewal: ${license.product.name}` };
    const details = {
      provider: provider.id,
      method: method ? methodLabel(method) : 'Invoice',
      amount: formatMoney(order.totalMinor, order.currency),
      reason,
    };
    await this.audit.record({
      action: 'payment.failed',
      outcome: 'failure',
      target,
      organizationId: license.organizationId,
      details,
    });
    await this.audit.record({
      action: 'order.failed',
      outcome: 'failure',
      target,
      organizationId: license.organizationId,
      details,
    });
    const [admins, emails] = await Promise.all([
      this.people.activeAdminsOf(license.organizationId, ''),
      this.profiles.billingEmails([license.organizationId]),
    ]);
    const to = new Set(admins.map((admin) => admin.email.toLowerCase()));
    const billingEmail = emails.get(license.organizationId);
    if (billingEmail) to.add(billingEmail.toLowerCase());
    await this.mail.enqueueMany(
      [...to].map((address) => ({
        template: 'renewal-failed',
        to: address,
        data: {
          product: license.product.name,
          keyHint: license.keyHint,
          seats: license.seats,
          expiredOn: dateOf(license.expiresAt),
          graceEnds: dateOf(license.expiresAt + this.config.graceDays * DAY),
          reason,
          licensePath: `/licenses/${license.id}`,
        },
      })),
    );
  }

  private async authorize(
    provider: PaymentProvider,
    order: Pick<OrderRow, 'organizationId' | 'totalMinor' | 'currency' | 'kind'>,
    method: PaymentMethodRow | null,
    idempotencyKey: string,
  ): Promise<PaymentAuthorization> {
    if (order.totalMinor <= 0) return { outcome: 'approved', reference: `free_${idempotencyKey}` };
    try {
      return await provider.authorize({
        idempotencyKey,
        organizationId: order.organizationId,
        amountMinor: order.totalMinor,
        currency: order.currency,
        description: `${orderKindName(order.kind)} of a license`,
        card: method && {
          brand: method.brand,
          last4: method.last4,
          expMonth: method.expMonth,
          expYear: method.expYear,
          holderName: method.holderName,
          providerRef: method.providerRef,
        },
      });
    } catch {
      // A provider that cannot be reached declines: nothing was taken.
      return { outcome: 'declined', reason: 'The payment provider could not be reached.' };
    }
  }

  private async chosenCard(organizationId: string, id: string): Promise<PaymentMethodRow> {
    const method = await this.methods.get(organizationId, id).catch(() => null);
    if (!method) throw new InputRefused({ paymentMethod: 'Choose one of your cards, or pay by invoice.' });
    if (this.cardExpired(method, +this.clock.now())) {
      throw new InputRefused({ paymentMethod: `${methodLabel(method)} has expired: choose another way to pay.` });
    }
    return method;
  }

  private async usableDefault(organizationId: string, now: number): Promise<PaymentMethodRow | null> {
    const method = await this.methods.defaultOf(organizationId);
    return method && !this.cardExpired(method, now) ? method : null;
  }

  // A card works until the end of its expiry month.
  private cardExpired(method: Pick<PaymentMethodRow, 'expMonth' | 'expYear'>, now: number): boolean {
    return Date.UTC(method.expYear, method.expMonth, 1) <= now;
  }

  // The lines and totals of a quote, and the license's terms before and after.
  private async price(license: LicenseListItem, request: QuoteRequest, now: number): Promise<Priced> {
    if (license.status === 'suspended' || license.status === 'cancelled') {
      throw refused(`This license is ${license.status}: it cannot be changed. Ask your operator.`);
    }
    const plan = await this.catalog.plan(license.planId);
    const from: LicenseTerms = { planId: license.planId, seats: license.seats, expiresAt: license.expiresAt };
    const product = license.product.name;
    const lines: InvoiceLine[] = [];
    let to: LicenseTerms;
    let currency = plan.currency;
    switch (request.kind) {
      case 'renew': {
        // Early or in grace the new term starts at the old expiry; once expired, today.
        const start = license.status === 'expired' ? endOfPreviousDay(now) : license.expiresAt;
        to = { ...from, expiresAt: addMonths(start, plan.termMonths) };
        lines.push({
          description: `${product} ${plan.edition}: ${months(plan.termMonths)}, ${dateOf(start + 1)} to ${dateOf(to.expiresAt)}`,
          quantity: license.seats,
          unitMinor: plan.pricePerSeatMinor,
          amountMinor: license.seats * plan.pricePerSeatMinor,
        });
        break;
      }
      case 'add_seats': {
        const seats = request.seats;
        if (!Number.isInteger(seats) || seats! < 1 || seats! > 10_000) {
          throw new InputRefused({ seats: 'Enter how many seats to add, 1 to 10000.' });
        }
        if (license.seats + seats! > 100_000) throw new InputRefused({ seats: 'A license has at most 100000 seats.' });
        if (license.status !== 'active') throw refused('Renew this license first: seats are added to a running term.');
        const { days, remaining } = termLeft(license.expiresAt, plan.termMonths, now);
        const unit = scale(plan.pricePerSeatMinor, remaining, days);
        to = { ...from, seats: license.seats + seats! };
        lines.push({
          description: `${product} ${plan.edition}: ${seats} more seats for the rest of the term, ${remaining} of ${days} days to ${dateOf(license.expiresAt)}`,
          quantity: seats!,
          unitMinor: unit,
          amountMinor: seats! * unit,
        });
        break;
      }
      case 'upgrade': {
        const target = (await this.upgradesFor(license)).find((p) => p.id === request.planId);
        if (!target) throw new InputRefused({ planId: 'Choose one of the plans this license can move to.' });
        if (target.currency !== plan.currency) {
          throw new InputRefused({ planId: 'That plan is priced in another currency: ask your operator.' });
        }
        if (license.status === 'expired')
          throw refused('Renew this license first: an expired license cannot be upgraded.');
        currency = target.currency;
        const start = endOfPreviousDay(now);
        to = { planId: target.id, seats: license.seats, expiresAt: addMonths(start, target.termMonths) };
        lines.push({
          description: `${product} ${target.edition}: ${months(target.termMonths)}, ${dateOf(start + 1)} to ${dateOf(to.expiresAt)}`,
          quantity: license.seats,
          unitMinor: target.pricePerSeatMinor,
          amountMinor: license.seats * target.pricePerSeatMinor,
        });
        const { days, remaining } = termLeft(license.expiresAt, plan.termMonths, now);
        if (remaining > 0) {
          const credit = scale(plan.pricePerSeatMinor, remaining, days);
          lines.push({
            description: `Credit for the rest of the ${plan.edition} term: ${remaining} of ${days} days to ${dateOf(license.expiresAt)}`,
            quantity: license.seats,
            unitMinor: -credit,
            amountMinor: -credit * license.seats,
          });
        }
        break;
      }
    }
    const subtotalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
    if (subtotalMinor < 0) {
      throw new InputRefused({ planId: 'What remains of this term is worth more than that plan: ask your operator.' });
    }
    const profile = await this.profiles.get(license.organizationId);
    const taxRateBp = await this.profiles.taxRateBp(profile.country);
    const taxMinor = taxOn(subtotalMinor, taxRateBp);
    return {
      currency,
      lines,
      subtotalMinor,
      taxRateBp,
      taxMinor,
      totalMinor: subtotalMinor + taxMinor,
      change: { from, to },
    };
  }
}

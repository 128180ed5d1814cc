import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { Conflict, FORM_LEVEL, NotFound } from '../../common/errors/app-error';
import { formatMoney } from '../../common/money';
import { allPages, toPage, type Page, type PageRequest } from '../../common/pagination';
import { AuditService } from '../../platform/audit/audit.service';
import { MailService } from '../../platform/mail/mail.service';
import { PeopleService } from '../people/people.service';
import { BillingProfilesService } from './billing-profiles.service';
import type { InvoiceDocument, InvoiceLine } from './invoice-document';
import {
  InvoicesRepository,
  type InvoiceListFilter,
  type InvoiceListRow,
  type InvoiceRow,
  type PaymentRow,
  type PaymentStatus,
} from './invoices.repository';
import { PaymentProviders } from './payment-providers';

export type { InvoiceListRow, InvoiceRow, PaymentRow } from './invoices.repository';

const DAY = 86_400_000;
const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });

/** What an invoice bills: the order's lines and totals, and how it was paid (if it was). */
export interface InvoiceInput {
  organizationId: string;
  orderId: string | null;
  currency: string;
  lines: InvoiceLine[];
  subtotalMinor: number;
  taxRateBp: number;
  taxMinor: number;
  totalMinor: number;
  /** Taken already (a captured card payment, or nothing to pay). */
  paid: boolean;
  /** A sentence for the mail: what the invoice is for ("Your license … now runs until …"). */
  summary: string;
}

/** A payment to record with an invoice. */
export interface PaymentInput {
  provider: string;
  methodLabel: string;
  status: PaymentStatus;
  providerRef: string | null;
  failure?: string | null;
}

export const invoiceTarget = (invoice: Pick<InvoiceRow, 'id' | 'number'>) => ({
  type: 'invoice',
  id: invoice.id,
  label: invoice.number,
});

/** `INV-2026-000123`: the series, the year of issue and the number within it, six digits. */
export const invoiceNumber = (series: string, year: number, n: number) =>
  `${series}-${year}-${String(n).padStart(6, '0')}`;

/**
 * Invoices, credit notes and payments. An invoice is issued in the caller's
 * transaction with the next number of its series and year (gap-free: the
 * counter moves in the same transaction), the seller's and buyer's details
 * as they are at that moment, and its lines; it is never changed after,
 * only paid, voided (open ones) or refunded by a credit note (paid ones).
 */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly em: EntityManager,
    private readonly invoices: InvoicesRepository,
    private readonly profiles: BillingProfilesService,
    private readonly providers: PaymentProviders,
    private readonly people: PeopleService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  /** Issues an invoice (and records its payment), in the caller's transaction; mails it to the billing contact. */
  async issue(input: InvoiceInput, payment: PaymentInput | null): Promise<InvoiceRow> {
    const now = +this.clock.now();
    const year = new Date(now).getUTCFullYear();
    const [seller, buyer] = await Promise.all([this.profiles.seller(), this.profiles.buyer(input.organizationId)]);
    const { paymentTermsDays, ...sellerParty } = seller;
    const row: InvoiceRow = {
      id: randomUUID(),
      number: invoiceNumber('INV', year, await this.invoices.nextNumber('INV', year)),
      kind: 'invoice',
      organizationId: input.organizationId,
      orderId: input.orderId,
      creditsInvoiceId: null,
      issuedAt: now,
      dueAt: now + paymentTermsDays * DAY,
      currency: input.currency,
      subtotalMinor: input.subtotalMinor,
      taxRateBp: input.taxRateBp,
      taxMinor: input.taxMinor,
      totalMinor: input.totalMinor,
      seller: sellerParty,
      buyer,
      lines: input.lines,
      status: input.paid || input.totalMinor === 0 ? 'paid' : 'open',
      paidAt: input.paid || input.totalMinor === 0 ? now : null,
      voidedAt: null,
      voidReason: null,
    };
    await this.invoices.insert(row);
    await this.audit.record({
      action: 'invoice.issued',
      target: invoiceTarget(row),
      organizationId: row.organizationId,
      details: {
        total: formatMoney(row.totalMinor, row.currency),
        status: row.status,
        ...(input.orderId ? { order: input.orderId } : {}),
      },
    });
    if (payment && row.totalMinor !== 0) await this.recordPayment(row, payment);
    await this.mailInvoice(row, input.summary);
    return row;
  }

  /** One invoice of the organization (operators pass null); another organization's is not found. */
  async get(organizationId: string | null, id: string): Promise<InvoiceRow> {
    const row = await this.invoices.byId(id);
    if (!row || (organizationId !== null && row.organizationId !== organizationId)) {
      throw new NotFound('Invoice not found.');
    }
    return row;
  }

  /** The invoice as its page and PDF show it. */
  async document(row: InvoiceRow): Promise<InvoiceDocument> {
    const credited = row.creditsInvoiceId ? await this.invoices.byId(row.creditsInvoiceId) : undefined;
    return {
      number: row.number,
      kind: row.kind,
      creditsNumber: credited?.number ?? null,
      issuedAt: row.issuedAt,
      dueAt: row.dueAt,
      status: row.status,
      paidAt: row.paidAt,
      currency: row.currency,
      seller: row.seller,
      buyer: row.buyer,
      lines: row.lines,
      subtotalMinor: row.subtotalMinor,
      taxRateBp: row.taxRateBp,
      taxMinor: row.taxMinor,
      totalMinor: row.totalMinor,
    };
  }

  async list(filter: InvoiceListFilter, request: PageRequest): Promise<Page<InvoiceListRow>> {
    return toPage(await this.invoices.list(filter, request), request, (row) => [row.issuedAt, row.id]);
  }

  /** Every invoice of the list as filtered, a batch at a time (the CSV export). */
  allInvoices(filter: InvoiceListFilter): AsyncGenerator<InvoiceListRow[]> {
    return allPages(
      (request) => this.invoices.list(filter, request),
      (row) => [row.issuedAt, row.id],
    );
  }

  async payments(organizationId: string, request: PageRequest): Promise<Page<PaymentRow>> {
    return toPage(await this.invoices.payments(organizationId, request), request, (row) => [row.createdAt, row.id]);
  }

  allPayments(organizationId: string): AsyncGenerator<PaymentRow[]> {
    return allPages(
      (request) => this.invoices.payments(organizationId, request),
      (row) => [row.createdAt, row.id],
    );
  }

  /** The name of the provider a payment went through ("Test payments (no money moves)"), or its id when it is gone. */
  providerLabel(id: string): string {
    return this.providers.byId(id)?.label ?? id;
  }

  paymentsOf(invoiceId: string): Promise<PaymentRow[]> {
    return this.invoices.paymentsOf(invoiceId);
  }

  creditNotesOf(invoiceId: string): Promise<InvoiceListRow[]> {
    return this.invoices.creditNotesOf(invoiceId);
  }

  /** An open invoice paid (operators: the transfer arrived). Its pending payment is captured. */
  async markPaid(id: string): Promise<InvoiceRow> {
    return this.em.transactional(async () => {
      const invoice = await this.get(null, id);
      if ((await this.invoices.markPaid(id, +this.clock.now())) === 0) {
        throw refused(`Invoice ${invoice.number} is ${invoice.status}: only an open invoice can be marked paid.`);
      }
      const pending = (await this.invoices.paymentsOf(id)).filter((p) => p.status === 'pending');
      for (const payment of pending) {
        await this.invoices.setPaymentStatus(payment.id, 'pending', 'captured');
        await this.audit.record({
          action: 'payment.captured',
          target: invoiceTarget(invoice),
          organizationId: invoice.organizationId,
          details: { provider: payment.provider, amount: formatMoney(payment.amountMinor, payment.currency) },
        });
      }
      if (pending.length === 0 && invoice.kind === 'invoice') {
        await this.recordPayment(invoice, {
          provider: this.providers.invoice.id,
          methodLabel: 'Bank transfer',
          status: 'captured',
          providerRef: null,
        });
      }
      await this.audit.record({
        action: 'invoice.paid',
        target: invoiceTarget(invoice),
        organizationId: invoice.organizationId,
        details: { total: formatMoney(invoice.totalMinor, invoice.currency) },
      });
      return this.get(null, id);
    });
  }

  /** Voids an open invoice (operators): it stays, numbered, marked void; nothing is owed. */
  async void(id: string, reason: string): Promise<InvoiceRow> {
    return this.em.transactional(async () => {
      const invoice = await this.get(null, id);
      if (invoice.status === 'paid') {
        throw refused(`Invoice ${invoice.number} is paid: refund it with a credit note instead.`);
      }
      if ((await this.invoices.markVoid(id, +this.clock.now(), reason)) === 0) {
        throw refused(`Invoice ${invoice.number} is ${invoice.status} already.`);
      }
      for (const payment of (await this.invoices.paymentsOf(id)).filter((p) => p.status === 'pending')) {
        await this.invoices.setPaymentStatus(payment.id, 'pending', 'failed');
      }
      await this.audit.record({
        action: 'invoice.voided',
        target: invoiceTarget(invoice),
        organizationId: invoice.organizationId,
        details: { reason, total: formatMoney(invoice.totalMinor, invoice.currency) },
      });
      return this.get(null, id);
    });
  }

  /**
   * Refunds a paid invoice in full (operators): a credit note (its own
   * gap-free series, `CN-YYYY-NNNNNN`) with the invoice's lines negated,
   * and the captured payment given back through the provider that took it.
   */
  async refund(id: string, reason: string): Promise<InvoiceRow> {
    return this.em.transactional(async () => {
      const invoice = await this.get(null, id);
      if (invoice.kind !== 'invoice' || invoice.status !== 'paid') {
        throw refused(`Only a paid invoice can be refunded; ${invoice.number} is ${invoice.status}.`);
      }
      if ((await this.invoices.creditNotesOf(id)).length > 0) {
        throw refused(`Invoice ${invoice.number} was refunded already.`);
      }
      const now = +this.clock.now();
      const year = new Date(now).getUTCFullYear();
      const note: InvoiceRow = {
        ...invoice,
        id: randomUUID(),
        number: invoiceNumber('CN', year, await this.invoices.nextNumber('CN', year)),
        kind: 'credit_note',
        creditsInvoiceId: invoice.id,
        issuedAt: now,
        dueAt: now,
        subtotalMinor: -invoice.subtotalMinor,
        taxMinor: -invoice.taxMinor,
        totalMinor: -invoice.totalMinor,
        lines: invoice.lines.map((line) => ({ ...line, unitMinor: -line.unitMinor, amountMinor: -line.amountMinor })),
        status: 'paid',
        paidAt: now,
      };
      await this.invoices.insert(note);
      for (const payment of (await this.invoices.paymentsOf(id)).filter((p) => p.status === 'captured')) {
        const provider = this.providers.byId(payment.provider);
        const result = provider
          ? await provider.refund(payment.providerRef ?? payment.id, payment.amountMinor, payment.currency, note.id)
          : { ok: false as const, reason: `The payment provider "${payment.provider}" is not installed.` };
        if (!result.ok) throw refused(`The refund was refused: ${result.reason}`);
        await this.invoices.setPaymentStatus(payment.id, 'captured', 'refunded');
        await this.recordPayment(note, {
          provider: payment.provider,
          methodLabel: payment.methodLabel,
          status: 'refunded',
          providerRef: result.reference,
        });
        await this.audit.record({
          action: 'payment.refunded',
          target: invoiceTarget(invoice),
          organizationId: invoice.organizationId,
          details: { provider: payment.provider, amount: formatMoney(payment.amountMinor, payment.currency) },
        });
      }
      await this.audit.record({
        action: 'credit_note.issued',
        target: invoiceTarget(note),
        organizationId: note.organizationId,
        details: { credits: invoice.number, reason, total: formatMoney(note.totalMinor, note.currency) },
      });
      return note;
    });
  }

  // A payment row for an invoice (its amount: the invoice's total).
  private async recordPayment(invoice: InvoiceRow, payment: PaymentInput): Promise<void> {
    await this.invoices.insertPayment({
      id: randomUUID(),
      organizationId: invoice.organizationId,
      invoiceId: invoice.id,
      provider: payment.provider,
      methodLabel: payment.methodLabel,
      amountMinor: invoice.totalMinor,
      currency: invoice.currency,
      status: payment.status,
      providerRef: payment.providerRef,
      failure: payment.failure ?? null,
      createdAt: invoice.issuedAt,
    });
    if (payment.status === 'captured') {
      await this.audit.record({
        action: 'payment.captured',
        target: invoiceTarget(invoice),
        organizationId: invoice.organizationId,
        details: { provider: payment.provider, amount: formatMoney(invoice.totalMinor, invoice.currency) },
      });
    }
  }

  /** The people who hear about an organization's billing: the confirmed billing email, else its active admins. */
  async billingContacts(organizationId: string): Promise<string[]> {
    const email = (await this.profiles.billingEmails([organizationId])).get(organizationId);
    const admins = await this.people.activeAdminsOf(organizationId, '');
    return email ? [email] : admins.map((admin) => admin.email);
  }

  private async mailInvoice(invoice: InvoiceRow, summary: string): Promise<void> {
    const to = await this.billingContacts(invoice.organizationId);
    await this.mail.enqueueMany(
      to.map((address) => ({
        template: 'invoice-issued',
        to: address,
        data: {
          number: invoice.number,
          total: formatMoney(invoice.totalMinor, invoice.currency),
          paid: invoice.status === 'paid',
          dueAt: new Date(invoice.dueAt).toISOString().slice(0, 10),
          summary,
          invoicePath: `/billing/invoices/${invoice.id}`,
        },
      })),
    );
  }
}

import { Controller, Get, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { csvColumns, datedCsvFilename, streamCsv, type CsvEncoder } from '../../common/csv';
import { OrgScope, Roles } from '../../common/http/decorators';
import { UuidParam } from '../../common/http/id-params';
import { amountText } from '../../common/money';
import { pageLinks, pageRequest } from '../../common/pagination';
import { invoiceRowView, orderView, paymentView } from './billing.view';
import { invoicePage, sendInvoicePdf } from './invoice-pages';
import type { InvoiceListRow, PaymentRow } from './invoices.repository';
import { InvoicesService } from './invoices.service';
import type { OrderRow } from './orders.repository';
import { orderKindName, OrdersService } from './orders.service';

type Show = 'invoices' | 'orders' | 'payments';
const SHOWS: readonly Show[] = ['invoices', 'orders', 'payments'];
const LABELS: Record<Show, string> = { invoices: 'Invoices', orders: 'Orders', payments: 'Payments' };
const iso = (at: number | null) => (at === null ? '' : new Date(at).toISOString());

const INVOICE_CSV = csvColumns<InvoiceListRow>([
  { header: 'number', value: (r) => r.number },
  { header: 'kind', value: (r) => r.kind },
  { header: 'issued', value: (r) => iso(r.issuedAt) },
  { header: 'due', value: (r) => iso(r.dueAt) },
  { header: 'currency', value: (r) => r.currency },
  { header: 'total', value: (r) => amountText(r.totalMinor, r.currency) },
  { header: 'status', value: (r) => r.status },
  { header: 'paid', value: (r) => iso(r.paidAt) },
]);
const ORDER_CSV = csvColumns<OrderRow>([
  { header: 'order', value: (r) => r.id },
  { header: 'kind', value: (r) => orderKindName(r.kind) },
  { header: 'automatic', value: (r) => (r.source === 'auto_renew' ? 'yes' : 'no') },
  { header: 'date', value: (r) => iso(r.quotedAt) },
  { header: 'currency', value: (r) => r.currency },
  { header: 'total', value: (r) => amountText(r.totalMinor, r.currency) },
  { header: 'status', value: (r) => r.status },
  { header: 'failure', value: (r) => r.failure },
]);
const PAYMENT_CSV = csvColumns<PaymentRow>([
  { header: 'date', value: (r) => iso(r.createdAt) },
  { header: 'method', value: (r) => r.methodLabel },
  { header: 'provider', value: (r) => r.provider },
  { header: 'currency', value: (r) => r.currency },
  { header: 'amount', value: (r) => amountText(r.amountMinor, r.currency) },
  { header: 'status', value: (r) => r.status },
]);

const showOf = (value: unknown): Show => SHOWS.find((show) => show === value) ?? 'invoices';

/** An organization's billing history (orders, invoices, payments; CSV), and its invoices' pages and PDFs. */
@Controller('billing')
@Roles('admin')
export class BillingHistoryController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly orders: OrdersService,
    private readonly clock: Clock,
  ) {}

  @Get('history')
  @Render('billing/history')
  async history(@OrgScope() orgId: string, @Query() query: { show?: unknown; after?: string; before?: string }) {
    const show = showOf(query.show);
    const request = pageRequest(query, 2);
    const page =
      show === 'invoices'
        ? await this.invoices
            .list({ organizationId: orgId }, request)
            .then((p) => ({ ...p, rows: p.rows.map(invoiceRowView) }))
        : show === 'orders'
          ? await this.orders.list(orgId, request).then((p) => ({ ...p, rows: p.rows.map(orderView) }))
          : await this.invoices.payments(orgId, request).then((p) => ({
              ...p,
              rows: p.rows.map((row) => paymentView(row, this.invoices.providerLabel(row.provider))),
            }));
    return {
      title: 'Billing history',
      breadcrumbs: [{ label: 'Billing', href: '/billing' }, { label: 'History' }],
      tabs: SHOWS.map((s) => ({ label: LABELS[s], href: `/billing/history?show=${s}`, active: s === show })),
      showInvoices: show === 'invoices',
      showOrders: show === 'orders',
      showPayments: show === 'payments',
      csvHref: `/billing/history.csv?show=${show}`,
      rows: page.rows,
      ...pageLinks('/billing/history', { show }, page),
    };
  }

  @Get('history.csv')
  async csv(@OrgScope() orgId: string, @Query() query: { show?: unknown }, @Res() res: Response) {
    const show = showOf(query.show);
    const filename = datedCsvFilename(`billing-${show}`, this.clock.now());
    if (show === 'invoices') {
      return streamCsv(res, filename, INVOICE_CSV, this.invoices.allInvoices({ organizationId: orgId }));
    }
    if (show === 'orders') return streamCsv(res, filename, ORDER_CSV, this.orders.all(orgId));
    return streamCsv(res, filename, PAYMENT_CSV as CsvEncoder<PaymentRow>, this.invoices.allPayments(orgId));
  }

  @Get('invoices/:id')
  @Render('billing/invoice')
  async invoice(@OrgScope() orgId: string, @UuidParam() id: string) {
    const invoice = await this.invoices.get(orgId, id);
    return {
      ...(await invoicePage(this.invoices, invoice, `/billing/invoices/${id}/pdf`)),
      breadcrumbs: [
        { label: 'Billing', href: '/billing' },
        { label: 'History', href: '/billing/history' },
        { label: invoice.number },
      ],
    };
  }

  @Get('invoices/:id/pdf')
  async pdf(@OrgScope() orgId: string, @UuidParam() id: string, @Res() res: Response) {
    await sendInvoicePdf(this.invoices, await this.invoices.get(orgId, id), res);
  }
}

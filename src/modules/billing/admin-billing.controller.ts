import { Body, Controller, Get, Injectable, Post, Query, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { FormView, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { OrganizationsService } from '../organizations/organizations.service';
import { invoiceRowView } from './billing.view';
import { InvoiceReasonDto } from './dto/invoice-action.dto';
import { invoicePage, sendInvoicePdf } from './invoice-pages';
import type { InvoiceStatus } from './invoices.repository';
import { InvoicesService, type InvoiceRow } from './invoices.service';

const STATUSES: readonly InvoiceStatus[] = ['open', 'paid', 'void'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LIST = { label: 'Billing', href: '/admin/billing' };

/** The operator's invoice page, around a refused void or refund form. */
@Injectable()
export class AdminInvoicePages extends FormPageLocals {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly organizations: OrganizationsService,
  ) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    if (form.view !== 'billing/admin-invoice' || typeof req.params.id !== 'string') return undefined;
    return this.page(await this.invoices.get(null, req.params.id));
  }

  async page(invoice: InvoiceRow) {
    const organization = (await this.organizations.namesOf([invoice.organizationId])).get(invoice.organizationId);
    return {
      ...(await invoicePage(this.invoices, invoice, `/admin/billing/invoices/${invoice.id}/pdf`)),
      breadcrumbs: [LIST, { label: invoice.number }],
      organization: { id: invoice.organizationId, name: organization ?? 'Removed organization' },
      canMarkPaid: invoice.status === 'open',
      canVoid: invoice.status === 'open',
      canRefund: invoice.kind === 'invoice' && invoice.status === 'paid',
    };
  }
}

/** Operators: every organization's invoices; mark paid (a transfer arrived), void, refund with a credit note. */
@Controller('admin/billing')
@Roles('operator')
@UseInterceptors(AdminInvoicePages)
export class AdminBillingController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly organizations: OrganizationsService,
    private readonly pages: AdminInvoicePages,
  ) {}

  @Get()
  @Render('billing/admin-index')
  async index(@Query() query: { status?: unknown; organization?: unknown; after?: string; before?: string }) {
    const status = STATUSES.find((s) => s === query.status);
    const organizationId =
      typeof query.organization === 'string' && UUID.test(query.organization) ? query.organization : undefined;
    const page = await this.invoices.list({ status, organizationId }, pageRequest(query, 2, 50));
    const names = await this.organizations.namesOf([...new Set(page.rows.map((row) => row.organizationId))]);
    return {
      title: 'Billing',
      breadcrumbs: [{ label: 'Billing' }],
      filters: [
        { label: 'All', href: '/admin/billing', active: !status },
        ...STATUSES.map((s) => ({
          label: s[0].toUpperCase() + s.slice(1),
          href: `/admin/billing?status=${s}`,
          active: s === status,
        })),
      ],
      organizationName: organizationId ? (names.get(organizationId) ?? null) : null,
      rows: page.rows.map((row) => ({
        ...invoiceRowView(row),
        organizationName: names.get(row.organizationId) ?? 'Removed organization',
      })),
      ...pageLinks('/admin/billing', { status, organization: organizationId }, page),
    };
  }

  @Get('invoices/:id')
  @Render('billing/admin-invoice')
  async show(@UuidParam() id: string) {
    return this.pages.page(await this.invoices.get(null, id));
  }

  @Get('invoices/:id/pdf')
  async pdf(@UuidParam() id: string, @Res() res: Response) {
    await sendInvoicePdf(this.invoices, await this.invoices.get(null, id), res);
  }

  @Post('invoices/:id/mark-paid')
  @FormView('billing/admin-invoice')
  async markPaid(@UuidParam() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const invoice = await this.invoices.markPaid(id);
    setFlash(res, 'success', `Invoice ${invoice.number} is marked paid.`);
    return res.redirect(303, `/admin/billing/invoices/${id}`);
  }

  @Post('invoices/:id/void')
  @FormView('billing/admin-invoice')
  async void(@UuidParam() id: string, @Body() body: InvoiceReasonDto, @Res() res: Response) {
    const invoice = await this.invoices.void(id, body.reason);
    setFlash(res, 'success', `Invoice ${invoice.number} is void: nothing is owed on it.`);
    return res.redirect(303, `/admin/billing/invoices/${id}`);
  }

  @Post('invoices/:id/refund')
  @FormView('billing/admin-invoice')
  async refund(@UuidParam() id: string, @Body() body: InvoiceReasonDto, @Res() res: Response) {
    const note = await this.invoices.refund(id, body.reason);
    setFlash(res, 'success', `Refunded with credit note ${note.number}.`);
    return res.redirect(303, `/admin/billing/invoices/${note.id}`);
  }
}

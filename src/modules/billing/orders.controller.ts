import { Body, Controller, Get, Injectable, Post, Query, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound } from '../../common/errors/app-error';
import { FormView, OrgScope, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest } from '../../common/http/principal';
import { formatMoney } from '../../common/money';
import { setFlash } from '../../common/view/flash';
import { LicensesService, type LicenseListItem } from '../licenses/licenses.service';
import { orderView } from './billing.view';
import { ConfirmOrderDto, NewOrderDto } from './dto/order.dto';
import { OrdersService, type OrderKind } from './orders.service';
import { methodLabel, PaymentMethodsService } from './payment-methods.service';

const KINDS: readonly OrderKind[] = ['renew', 'upgrade', 'add_seats'];
const TITLES: Record<OrderKind, string> = {
  renew: 'Renew early',
  upgrade: 'Upgrade the plan',
  add_seats: 'Add seats',
};
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The pages around the order forms: what is being ordered, and how it can be paid. */
@Injectable()
export class OrderPages extends FormPageLocals {
  constructor(
    private readonly orders: OrdersService,
    private readonly licenses: LicensesService,
    private readonly methods: PaymentMethodsService,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    const orgId = req.user?.orgId;
    if (!orgId) return undefined;
    if (form.view === 'billing/order-new') {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const kind = KINDS.find((k) => k === body.kind) ?? 'renew';
      const licenseId = typeof body.licenseId === 'string' ? body.licenseId : '';
      return this.newOrder(orgId, licenseId, kind);
    }
    if (form.view === 'billing/order' && typeof req.params.id === 'string') {
      return this.order(orgId, req.params.id);
    }
    return undefined;
  }

  async newOrder(orgId: string, licenseId: string, kind: OrderKind) {
    const license = await this.licenses.get(orgId, licenseId).catch(() => {
      throw new NotFound('License not found.');
    });
    const plans = kind === 'upgrade' ? await this.orders.upgradesFor(license) : [];
    return {
      title: TITLES[kind],
      breadcrumbs: [
        { label: 'Licenses', href: '/licenses' },
        { label: license.product.name, href: `/licenses/${license.id}` },
        { label: TITLES[kind] },
      ],
      kind,
      isRenew: kind === 'renew',
      isUpgrade: kind === 'upgrade',
      isAddSeats: kind === 'add_seats',
      license: this.licenseSummary(license),
      plans: plans.map((plan) => ({
        id: plan.id,
        label: `${plan.edition}: ${plan.termMonths} months, ${formatMoney(plan.pricePerSeatMinor, plan.currency)} per seat`,
      })),
    };
  }

  async order(orgId: string, id: string) {
    const order = await this.orders.get(orgId, id);
    const [license, methods] = await Promise.all([this.licenses.get(orgId, order.licenseId), this.methods.list(orgId)]);
    const now = +this.clock.now();
    const usable = methods.filter((m) => !m.expired);
    const preferred = usable.find((m) => m.isDefault)?.id ?? 'invoice';
    return {
      title: order.status === 'quoted' ? `Quote: ${TITLES[order.kind].toLowerCase()}` : 'Order',
      breadcrumbs: [
        { label: 'Billing', href: '/billing' },
        { label: 'History', href: '/billing/history?show=orders' },
        { label: order.status === 'quoted' ? 'Quote' : 'Order' },
      ],
      order: orderView(order),
      license: this.licenseSummary(license),
      after: {
        seats: order.change.to.seats,
        expires: order.change.to.expiresAt,
        planChanged: order.change.to.planId !== order.change.from.planId,
      },
      quoteOpen: order.status === 'quoted' && order.validUntil > now,
      quoteRanOut: order.status === 'quoted' && order.validUntil <= now,
      methods: usable.map((m) => ({ id: m.id, label: methodLabel(m), checked: m.id === preferred })),
      invoiceChecked: preferred === 'invoice',
    };
  }

  private licenseSummary(license: LicenseListItem) {
    return {
      id: license.id,
      productName: license.product.name,
      edition: license.plan.edition,
      seats: license.seats,
      seatsUsed: license.seatsUsed,
      expiresAt: license.expiresAt,
      expires: dateOf(license.expiresAt),
      status: license.status,
    };
  }
}

/** Org admins ask for a quote (renew early, upgrade, add seats) and confirm it with a card or by invoice. */
@Controller('billing/orders')
@Roles('admin')
@UseInterceptors(OrderPages)
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly pages: OrderPages,
  ) {}

  @Get('new')
  @Render('billing/order-new')
  newOrder(@OrgScope() orgId: string, @Query() query: { license?: unknown; kind?: unknown }) {
    const kind = KINDS.find((k) => k === query.kind);
    if (!kind || typeof query.license !== 'string')
      throw new NotFound('Choose a license and what to order from its page.');
    return this.pages.newOrder(orgId, query.license, kind);
  }

  @Post('new')
  @FormView('billing/order-new')
  async quote(@OrgScope() orgId: string, @Body() body: NewOrderDto, @Res() res: Response) {
    if (body.kind === 'add_seats' && !body.seats)
      throw new InputRefused({ seats: 'Enter how many seats to add, 1 to 10000.' });
    if (body.kind === 'upgrade' && !body.planId)
      throw new InputRefused({ planId: 'Choose one of the plans this license can move to.' });
    const order = await this.orders.quote(orgId, body.licenseId, {
      kind: body.kind,
      seats: body.seats ? Number(body.seats) : undefined,
      planId: body.planId,
    });
    return res.redirect(303, `/billing/orders/${order.id}`);
  }

  @Get(':id')
  @Render('billing/order')
  show(@OrgScope() orgId: string, @UuidParam() id: string) {
    return this.pages.order(orgId, id);
  }

  @Post(':id/confirm')
  @FormView('billing/order')
  async confirm(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @Body() body: ConfirmOrderDto,
    @Res() res: Response,
  ) {
    const invoice = await this.orders.place(
      orgId,
      id,
      body.paymentMethod === 'invoice' ? 'invoice' : { card: body.paymentMethod },
    );
    setFlash(
      res,
      'success',
      invoice.status === 'paid'
        ? `Order placed and paid: invoice ${invoice.number}.`
        : `Order placed: invoice ${invoice.number} is due by ${dateOf(invoice.dueAt)}.`,
    );
    return res.redirect(303, `/billing/invoices/${invoice.id}`);
  }
}

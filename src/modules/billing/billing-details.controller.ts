import { Body, Controller, Get, Injectable, Post, Query, Render, Req, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, FormView, OrgScope, Public, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { BillingEmailLinkDto } from './dto/confirm-link.dto';
import { BillingProfilesService } from './billing-profiles.service';
import { countryOptions, detailsValues, paymentMethodView, profileView } from './billing.view';
import { BillingDetailsDto } from './dto/billing-details.dto';
import { PaymentMethodDto } from './dto/payment-method.dto';
import { methodLabel, PaymentMethodsService } from './payment-methods.service';

const BILLING = { label: 'Billing', href: '/billing' };
const INDEX_LOCALS = () => ({ title: 'Billing', breadcrumbs: [{ label: 'Billing' }] });
const METHOD_LOCALS = () => ({ ...INDEX_LOCALS(), methodForm: true });
const NEW_CARD_LOCALS = () => ({
  title: 'Add a card',
  breadcrumbs: [BILLING, { label: 'Add a card' }],
  // The number and the security code never come back (see keptValues).
  values: {},
});
const LINK_PAGE = 'billing/email-confirm';

/** The whole billing page: details, payment methods and the invoice option. */
async function billingPage(profiles: BillingProfilesService, methods: PaymentMethodsService, orgId: string) {
  const [profile, listed, seller] = await Promise.all([profiles.get(orgId), methods.list(orgId), profiles.seller()]);
  return {
    ...INDEX_LOCALS(),
    profile: profileView(profile),
    values: detailsValues(profile),
    // The details as saved, for the page around a refused payment-method button (its input is no details).
    saved: detailsValues(profile),
    countries: countryOptions(),
    methods: listed.map(paymentMethodView),
    paymentTermsDays: seller.paymentTermsDays,
  };
}

/** The billing page around a refused form. */
@Injectable()
export class BillingPageLocals extends FormPageLocals {
  constructor(
    private readonly profiles: BillingProfilesService,
    private readonly methods: PaymentMethodsService,
  ) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    if (form.view !== 'billing/index' || !req.user?.orgId) return undefined;
    // Another organization's (or a removed) payment method is a 404 before its form is read.
    const id = req.params.id;
    if (typeof id === 'string') await this.methods.get(req.user.orgId, id);
    return billingPage(this.profiles, this.methods, req.user.orgId);
  }
}

/**
 * /billing: an organization admin's billing details, billing email
 * (confirmed from the new address), payment methods and "Pay by invoice".
 * Operators have their own billing pages.
 */
@Controller('billing')
@Roles('admin')
@UseInterceptors(BillingPageLocals)
export class BillingDetailsController {
  constructor(
    private readonly profiles: BillingProfilesService,
    private readonly methods: PaymentMethodsService,
  ) {}

  @Get()
  @Roles('admin', 'operator')
  async show(@CurrentUser() user: Principal, @Res() res: Response) {
    // Operators see every organization's billing from their own page.
    if (user.role === 'operator' || !user.orgId) return res.redirect(303, '/admin/billing');
    return res.render('billing/index', await billingPage(this.profiles, this.methods, user.orgId));
  }

  @Post()
  @FormView('billing/index', INDEX_LOCALS)
  async update(@OrgScope() orgId: string, @Body() body: BillingDetailsDto, @Res() res: Response) {
    const before = await this.profiles.get(orgId);
    const profile = await this.profiles.update(orgId, body);
    if (profile.pendingEmail && profile.pendingEmail !== before.pendingEmail) {
      setFlash(
        res,
        'info',
        `Billing details saved. We sent a link to ${profile.pendingEmail}: it becomes the billing email once the link is followed${profile.billingEmail ? `; until then invoices go to ${profile.billingEmail}` : ''}.`,
      );
    } else {
      setFlash(res, 'success', 'Billing details saved.');
    }
    return res.redirect(303, '/billing');
  }

  @Get('payment-methods/new')
  @Render('billing/payment-method-new')
  newCard() {
    return NEW_CARD_LOCALS();
  }

  @Post('payment-methods')
  @FormView('billing/payment-method-new', NEW_CARD_LOCALS)
  async addCard(@OrgScope() orgId: string, @Body() body: PaymentMethodDto, @Res() res: Response) {
    const added = await this.methods.add(orgId, body);
    setFlash(
      res,
      'success',
      `${methodLabel(added)} was added${added.isDefault ? ' and is the default payment method' : ''}.`,
    );
    return res.redirect(303, '/billing');
  }

  @Post('payment-methods/:id/default')
  @FormView('billing/index', METHOD_LOCALS)
  async makeDefault(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const method = await this.methods.makeDefault(orgId, id);
    setFlash(res, 'success', `${methodLabel(method)} is the default payment method.`);
    return res.redirect(303, '/billing');
  }

  @Post('payment-methods/:id/remove')
  @FormView('billing/index', METHOD_LOCALS)
  async remove(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const method = await this.methods.remove(orgId, id);
    setFlash(
      res,
      'success',
      `${methodLabel(method)} was removed.${method.isDefault ? ' There is no default payment method now.' : ''}`,
    );
    return res.redirect(303, '/billing');
  }
}

/**
 * The billing email's confirmation link, opened from the mail sent to the new
 * address, signed in or not: whoever reads that mailbox confirms it.
 */
@Controller('billing/email/confirm')
@Public()
export class BillingEmailController {
  constructor(private readonly profiles: BillingProfilesService) {}

  // The page only asks (a mail scanner opening the link changes nothing); its button posts.
  @Get()
  @Render(LINK_PAGE)
  async showEmailLink(@Query('token') token: unknown) {
    const { email, organizationName } = await this.profiles.checkEmailLink(token);
    return { title: 'Confirm the billing email address', token, email, organizationName };
  }

  @Post()
  async confirmEmail(@Req() req: AppRequest, @Body() body: BillingEmailLinkDto, @Res() res: Response) {
    const { email, organizationId } = await this.profiles.confirmEmail(body.token);
    setFlash(res, 'success', `${email} is now the billing email address: invoices and renewal reminders go there.`);
    const ownAdmin = req.user?.role === 'admin' && req.user.orgId === organizationId;
    return res.redirect(303, ownAdmin ? '/billing' : req.user ? '/dashboard' : '/login');
  }
}

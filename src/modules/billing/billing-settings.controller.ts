import { Body, Controller, Get, Injectable, Param, Post, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { NotFound } from '../../common/errors/app-error';
import { FormView, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { OrganizationsService } from '../organizations/organizations.service';
import { BillingProfilesService } from './billing-profiles.service';
import { BillingSettingsService, type BillingSettingsView } from './billing-settings.service';
import { countryOptions, paymentMethodView, profileView } from './billing.view';
import { countryName } from './countries';
import { BillingSettingsDto, TaxRateDto } from './dto/billing-settings.dto';
import { PaymentMethodsService } from './payment-methods.service';

const ADMIN_BILLING = { label: 'Billing', href: '/admin/billing' };
const SETTINGS_LOCALS = () => ({
  title: 'Billing settings',
  breadcrumbs: [ADMIN_BILLING, { label: 'Billing settings' }],
});

const settingsValues = (s: BillingSettingsView): Record<string, string> => ({
  sellerName: s.sellerName,
  sellerAddress: s.sellerAddress,
  sellerCountry: s.sellerCountry ?? '',
  sellerTaxId: s.sellerTaxId,
  sellerEmail: s.sellerEmail,
  paymentTermsDays: String(s.paymentTermsDays),
});

async function settingsPage(settings: BillingSettingsService) {
  const [current, taxRates] = await Promise.all([settings.get(), settings.taxRates()]);
  return {
    ...SETTINGS_LOCALS(),
    values: settingsValues(current),
    // The seller details as saved, for the page around a refused tax-rate form (whose input is not theirs).
    saved: settingsValues(current),
    countries: countryOptions(),
    taxRates,
  };
}

/** The settings page around a refused form: a refused tax rate keeps its own input. */
@Injectable()
export class BillingSettingsPageLocals extends FormPageLocals {
  constructor(private readonly settings: BillingSettingsService) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    if (form.view !== 'billing/settings' || req.user?.role !== 'operator') return undefined;
    return settingsPage(this.settings);
  }
}

/**
 * /admin/billing/settings (operators): the seller every invoice names, the
 * payment terms and the tax rate per country; and one organization's billing
 * details and methods, read-only.
 */
@Controller('admin/billing')
@Roles('operator')
@UseInterceptors(BillingSettingsPageLocals)
export class BillingSettingsController {
  constructor(
    private readonly settings: BillingSettingsService,
    private readonly profiles: BillingProfilesService,
    private readonly methods: PaymentMethodsService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get('settings')
  @Render('billing/settings')
  show() {
    return settingsPage(this.settings);
  }

  @Post('settings')
  @FormView('billing/settings', SETTINGS_LOCALS)
  async update(@Body() body: BillingSettingsDto, @Res() res: Response) {
    await this.settings.update(body);
    setFlash(res, 'success', 'Billing settings saved. Invoices issued from now on show them.');
    return res.redirect(303, '/admin/billing/settings');
  }

  @Post('settings/tax-rates')
  @FormView('billing/settings', () => ({ ...SETTINGS_LOCALS(), taxForm: true }))
  async setTaxRate(@Body() body: TaxRateDto, @Res() res: Response) {
    const rate = await this.settings.setTaxRate(body);
    setFlash(res, 'success', `The tax rate for ${countryName(rate.country)} is ${body.rate.trim()} %.`);
    return res.redirect(303, '/admin/billing/settings');
  }

  @Post('settings/tax-rates/:country/remove')
  @FormView('billing/settings', () => ({ ...SETTINGS_LOCALS(), taxForm: true }))
  async removeTaxRate(@Param('country') country: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    await this.settings.removeTaxRate(country);
    setFlash(res, 'success', `The tax rate for ${countryName(country)} was removed: buyers there pay no tax.`);
    return res.redirect(303, '/admin/billing/settings');
  }

  @Get('organizations/:organizationId')
  @Render('billing/organization')
  async organization(@UuidParam('organizationId') organizationId: string) {
    const org = await this.organizations.findById(organizationId);
    if (!org) throw new NotFound();
    const [profile, listed] = await Promise.all([this.profiles.get(org.id), this.methods.list(org.id)]);
    return {
      title: org.name,
      breadcrumbs: [ADMIN_BILLING, { label: org.name }],
      organization: { id: org.id, name: org.name },
      profile: profileView(profile),
      methods: listed.map(paymentMethodView),
    };
  }
}

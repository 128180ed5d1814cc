import { Body, Controller, Get, HttpCode, Injectable, Post, Query, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { InputRefused } from '../../common/errors/app-error';
import { FormView, RecentAuth, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { CatalogService } from '../catalog/catalog.service';
import { planLabel } from '../catalog/catalog.view';
import { OrganizationsService } from '../organizations/organizations.service';
import { endOfDay } from './dates';
import { ExtendLicenseDto, LicenseReasonDto, NewLicenseDto } from './dto/license.dto';
import { LicenseDevices } from './license-devices';
import { licenseDeviceView, licenseEventView, licenseView, LICENSE_STATUS_VIEW } from './license.view';
import { LICENSE_STATUSES, type LicenseStatus } from './licenses.repository';
import { LicensesService } from './licenses.service';

const LIST = { label: 'Licenses', href: '/admin/licenses' };
/** The one "expiring soon" window the list filters on: as the license pages' alert, under 30 days. */
export const EXPIRING_DAYS = 30;

const isStatus = (value: unknown): value is LicenseStatus =>
  typeof value === 'string' && (LICENSE_STATUSES as readonly string[]).includes(value);

@Injectable()
export class AdminLicensePages {
  constructor(
    private readonly licenses: LicensesService,
    private readonly catalog: CatalogService,
    private readonly orgs: OrganizationsService,
    private readonly devices: LicenseDevices,
    private readonly clock: Clock,
  ) {}

  async newPage() {
    const [products, plans] = await Promise.all([this.catalog.products(), this.catalog.allPlans()]);
    const names = new Map(products.map((p) => [p.id, p.name]));
    return {
      title: 'New license',
      breadcrumbs: [LIST, { label: 'New license' }],
      products: products.map((p) => ({ id: p.id, label: `${p.name} (${p.sku})` })),
      // By product name, as the products are listed; within a product as the catalog orders its plans.
      plans: [...plans]
        .sort((a, b) => (names.get(a.productId) ?? '').localeCompare(names.get(b.productId) ?? ''))
        .map((plan) => ({
          id: plan.id,
          label: `${names.get(plan.productId)}: ${planLabel(plan)}, ${plan.seats} seats`,
        })),
    };
  }

  async showPage(id: string) {
    const now = +this.clock.now();
    const [license, history, onIt] = await Promise.all([
      this.licenses.get(null, id),
      this.licenses.history(id),
      this.devices.devicesOn(id, 20),
    ]);
    const view = licenseView(license, now);
    return {
      title: `${view.productName} for ${(await this.orgs.nameOf(license.organizationId)) ?? 'an organization'}`,
      breadcrumbs: [LIST, { label: view.productName }],
      license: view,
      organization: { id: license.organizationId, name: await this.orgs.nameOf(license.organizationId) },
      history: history.map(licenseEventView),
      devices: onIt.map(licenseDeviceView),
      moreDevices: license.seatsUsed > onIt.length ? license.seatsUsed - onIt.length : 0,
      isOperator: true,
    };
  }

  /** Cancelling cannot be undone: it is confirmed on a page of its own, with the reason. */
  async cancelPage(id: string) {
    const page = await this.showPage(id);
    return {
      ...page,
      title: `Cancel license: ${page.license.productName}`,
      breadcrumbs: [
        LIST,
        { label: page.license.productName, href: `/admin/licenses/${id}` },
        { label: 'Cancel license' },
      ],
    };
  }
}

/** What the operator's license pages need around a form: the catalog's choices, or the license itself. */
@Injectable()
export class AdminLicensePageLocals extends FormPageLocals {
  constructor(private readonly pages: AdminLicensePages) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    if (form.view === 'licenses/new') return this.pages.newPage();
    const id = req.params.id;
    if (form.view === 'licenses/admin-show' && typeof id === 'string') return this.pages.showPage(id);
    if (form.view === 'licenses/cancel' && typeof id === 'string') return this.pages.cancelPage(id);
    return undefined;
  }
}

/** Operators sell and manage every organization's licenses. */
@Controller('admin/licenses')
@Roles('operator')
@UseInterceptors(AdminLicensePageLocals)
export class AdminLicensesController {
  constructor(
    private readonly licenses: LicensesService,
    private readonly orgs: OrganizationsService,
    private readonly pages: AdminLicensePages,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('licenses/admin-index')
  async index(@Query() query: { status?: string; expiring?: string; after?: string; before?: string }) {
    const now = +this.clock.now();
    // `?expiring=30`: active licenses whose term ends within 30 days (the operators' dashboard links here).
    const expiring = query.expiring === String(EXPIRING_DAYS) ? EXPIRING_DAYS : undefined;
    const status = expiring ? 'active' : isStatus(query.status) ? query.status : undefined;
    const expires = expiring ? { from: now, before: now + expiring * 86_400_000 } : undefined;
    const page = await this.licenses.list({ status, expires }, pageRequest(query, 2));
    const names = await this.orgs.namesOf(page.rows.map((row) => row.organizationId));
    return {
      title: 'Licenses',
      breadcrumbs: [{ label: 'Licenses' }],
      status: expiring ? undefined : status,
      expiring,
      statuses: LICENSE_STATUSES.map((value) => ({
        value,
        label: LICENSE_STATUS_VIEW[value].label,
        selected: value === status && !expiring,
      })),
      rows: page.rows.map((row) => ({
        ...licenseView(row, now),
        organizationName: names.get(row.organizationId) ?? '',
      })),
      ...pageLinks('/admin/licenses', expiring ? { expiring: String(expiring) } : { status }, page),
    };
  }

  @Get('new')
  @Render('licenses/new')
  async new(@Query('organization') organization?: string) {
    const name = typeof organization === 'string' ? organization.slice(0, 120) : '';
    return { ...(await this.pages.newPage()), values: { organization: name } };
  }

  @Post()
  @FormView('licenses/new')
  async create(@Body() body: NewLicenseDto, @Res() res: Response) {
    const org = await this.orgs.findByName(body.organization);
    if (!org) throw new InputRefused({ organization: `No organization is named “${body.organization}”.` });
    const { license } = await this.licenses.create({
      organizationId: org.id,
      productId: body.productId,
      planId: body.planId,
      seats: Number(body.seats),
      expiresAt: endOfDay(body.expiresAt),
      autoRenew: body.autoRenew === 'on',
    });
    setFlash(
      res,
      'success',
      `License created for ${org.name}. Its product key ends in ${license.keyHint}: reveal it below to send it to them.`,
    );
    return res.redirect(303, `/admin/licenses/${license.id}`);
  }

  @Get(':id')
  @Render('licenses/admin-show')
  async show(@UuidParam() id: string) {
    return { ...(await this.pages.showPage(id)), values: {} };
  }

  @Post(':id/reveal')
  @HttpCode(200)
  @RecentAuth()
  @FormView('licenses/admin-show')
  @Render('licenses/admin-show')
  async reveal(@UuidParam() id: string, @Body() _body: ConfirmFormDto) {
    const key = await this.licenses.revealKey(null, id);
    return { ...(await this.pages.showPage(id)), values: {}, revealedKey: key };
  }

  @Post(':id/extend')
  @FormView('licenses/admin-show')
  async extend(@UuidParam() id: string, @Body() body: ExtendLicenseDto, @Res() res: Response) {
    const license = await this.licenses.extend(id, endOfDay(body.expiresAt));
    setFlash(res, 'success', `The license now runs until ${body.expiresAt} (${license.status}).`);
    return res.redirect(303, `/admin/licenses/${id}`);
  }

  @Post(':id/suspend')
  @FormView('licenses/admin-show')
  async suspend(@UuidParam() id: string, @Body() body: LicenseReasonDto, @Res() res: Response) {
    await this.licenses.suspend(id, body.reason);
    setFlash(res, 'success', 'The license is suspended: its product key activates nothing until it is reactivated.');
    return res.redirect(303, `/admin/licenses/${id}`);
  }

  @Post(':id/reactivate')
  @FormView('licenses/admin-show')
  async reactivate(@UuidParam() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const license = await this.licenses.reactivate(id);
    setFlash(res, 'success', `The license is ${LICENSE_STATUS_VIEW[license.status].label.toLowerCase()} again.`);
    return res.redirect(303, `/admin/licenses/${id}`);
  }

  @Get(':id/cancel')
  @Render('licenses/cancel')
  async confirmCancel(@UuidParam() id: string) {
    return { ...(await this.pages.cancelPage(id)), values: {} };
  }

  @Post(':id/cancel')
  @FormView('licenses/cancel')
  async cancel(@UuidParam() id: string, @Body() body: LicenseReasonDto, @Res() res: Response) {
    await this.licenses.cancel(id, body.reason);
    setFlash(res, 'success', 'The license is cancelled.');
    return res.redirect(303, `/admin/licenses/${id}`);
  }
}

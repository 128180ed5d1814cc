import { Body, Controller, Get, HttpCode, Injectable, Post, Query, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { CurrentUser, FormView, OrgScope, RecentAuth, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { AutoRenewDto } from './dto/license.dto';
import { LicenseDevices } from './license-devices';
import { licenseDeviceView, licenseEventView, licenseView } from './license.view';
import { LicensesService } from './licenses.service';
import { RenewalRemindersService } from './renewal-reminders.service';

const LIST = { label: 'Licenses', href: '/licenses' };
/** How many of a license's devices its page lists (the rest: a link to the filtered device list). */
const DEVICES_SHOWN = 20;

/** The license page around a refused form. */
@Injectable()
export class LicensePageLocals extends FormPageLocals {
  constructor(
    private readonly licenses: LicensesService,
    private readonly devices: LicenseDevices,
    private readonly reminders: RenewalRemindersService,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    const id = req.params.id;
    if (form.view === 'licenses/index' && req.user?.orgId) {
      return licensesIndex(this.licenses, this.reminders, req.user.orgId, req.user, {}, +this.clock.now());
    }
    if (!form.view.startsWith('licenses/') || !req.user?.orgId || typeof id !== 'string') return undefined;
    return licensePage(this.licenses, this.devices, this.reminders, req.user.orgId, id, req.user, +this.clock.now());
  }
}

async function licensePage(
  licenses: LicensesService,
  devices: LicenseDevices,
  reminders: RenewalRemindersService,
  orgId: string,
  id: string,
  user: Principal,
  now: number,
) {
  const license = await licenses.get(orgId, id);
  const [history, onIt, snoozedUntil] = await Promise.all([
    licenses.history(id),
    devices.devicesOn(id, DEVICES_SHOWN),
    reminders.snoozedUntil(id),
  ]);
  const view = licenseView(license, now);
  return {
    title: view.productName,
    breadcrumbs: [LIST, { label: view.productName }],
    license: view,
    history: history.map(licenseEventView),
    devices: onIt.map(licenseDeviceView),
    moreDevices: license.seatsUsed > onIt.length ? license.seatsUsed - onIt.length : 0,
    canManage: user.role === 'admin',
    reminders: { snoozedUntil },
  };
}

async function licensesIndex(
  licenses: LicensesService,
  reminders: RenewalRemindersService,
  orgId: string,
  user: Principal,
  query: { after?: string; before?: string },
  now: number,
) {
  const page = await licenses.list({ organizationId: orgId }, pageRequest(query, 2));
  return {
    title: 'Licenses',
    breadcrumbs: [{ label: 'Licenses' }],
    rows: page.rows.map((row) => licenseView(row, now)),
    ...pageLinks('/licenses', {}, page),
    reminderMail: user.role === 'admin' ? { on: await reminders.reminderMailOn(user.personId) } : null,
  };
}

/** Everyone in an organization sees its licenses; org admins manage them. */
@Controller('licenses')
@Roles('admin', 'member')
@UseInterceptors(LicensePageLocals)
export class LicensesController {
  constructor(
    private readonly licenses: LicensesService,
    private readonly devices: LicenseDevices,
    private readonly reminders: RenewalRemindersService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('licenses/index')
  index(
    @OrgScope() orgId: string,
    @CurrentUser() user: Principal,
    @Query() query: { after?: string; before?: string },
  ) {
    return licensesIndex(this.licenses, this.reminders, orgId, user, query, +this.clock.now());
  }

  @Get(':id')
  @Render('licenses/show')
  show(@OrgScope() orgId: string, @UuidParam() id: string, @CurrentUser() user: Principal) {
    return this.page(orgId, id, user);
  }

  /** The full key, once, on this answer (audited); asks for the password first when the last time was long ago. */
  @Post(':id/reveal')
  @HttpCode(200)
  @RecentAuth()
  @FormView('licenses/show')
  @Render('licenses/show')
  async reveal(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() _body: ConfirmFormDto,
  ) {
    const key = await this.licenses.revealKey(orgId, id);
    return { ...(await this.page(orgId, id, user)), revealedKey: key };
  }

  @Post(':id/auto-renew')
  @Roles('admin')
  @FormView('licenses/show')
  async autoRenew(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @Body() body: AutoRenewDto,
    @Res() res: Response,
  ) {
    const license = await this.licenses.setAutoRenew(orgId, id, body.autoRenew === 'on');
    setFlash(
      res,
      'success',
      license.autoRenew
        ? `Auto-renew is on: ${license.product.name} renews at its expiry.`
        : `Auto-renew is off: ${license.product.name} ends at its expiry unless you renew it.`,
    );
    return res.redirect(303, `/licenses/${id}`);
  }

  @Get(':id/reset-key')
  @Roles('admin')
  @Render('licenses/reset-key')
  async confirmResetKey(@OrgScope() orgId: string, @UuidParam() id: string) {
    const license = licenseView(await this.licenses.get(orgId, id), +this.clock.now());
    return {
      title: 'Replace the product key',
      breadcrumbs: [
        LIST,
        { label: license.productName, href: `/licenses/${id}` },
        { label: 'Replace the product key' },
      ],
      license,
    };
  }

  @Post(':id/reset-key')
  @Roles('admin')
  @FormView('licenses/reset-key')
  async resetKey(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const license = await this.licenses.resetKey(orgId, id);
    setFlash(
      res,
      'success',
      `${license.product.name} has a new product key ending in ${license.keyHint}. The old key no longer activates devices; devices already on the license keep their seats.`,
    );
    return res.redirect(303, `/licenses/${id}`);
  }

  private page(orgId: string, id: string, user: Principal) {
    return licensePage(this.licenses, this.devices, this.reminders, orgId, id, user, +this.clock.now());
  }
}

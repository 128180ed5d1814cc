import { Body, Controller, Get, Injectable, Post, Query, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { InputRefused } from '../../common/errors/app-error';
import { CurrentUser, FormView, OrgScope, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { PLATFORM_LABELS, PLATFORMS } from '../catalog/platforms';
import { licenseView } from '../licenses/license.view';
import { LicensesService, type LicenseListItem } from '../licenses/licenses.service';
import { PeopleService } from '../people/people.service';
import { deviceListView, deviceView, parseDeviceList } from './device.view';
import type { DeviceRow } from './devices.repository';
import { DevicesService, type DeviceScope } from './devices.service';
import { DeviceNameDto, MoveDeviceDto, NewDeviceDto, ReclaimDto } from './dto/device.dto';
import { Clock } from '../../common/clock';

const LIST = { label: 'Devices', href: '/devices' };

/** Members see and manage their own devices; org admins every device of the organization. */
export const scopeOf = (user: Principal): DeviceScope => ({
  organizationId: user.orgId!,
  ...(user.role === 'member' ? { ownerId: user.personId } : {}),
});

/** What the device pages need besides the device: the licenses to choose from, names. */
@Injectable()
export class DevicePages {
  constructor(
    private readonly devices: DevicesService,
    private readonly licenses: LicensesService,
    private readonly people: PeopleService,
    private readonly clock: Clock,
  ) {}

  async names(orgId: string, rows: DeviceRow[]) {
    const [licenses, owners] = await Promise.all([
      this.licenses.allOf(orgId),
      this.people.namesIn(
        orgId,
        rows.map((row) => row.ownerId).filter((id): id is string => id !== null),
      ),
    ]);
    return { licenses: new Map(licenses.map((l) => [l.id, l])), owners, licenseList: licenses };
  }

  licenseChoices(licenses: LicenseListItem[], selected?: string) {
    const now = +this.clock.now();
    return licenses
      .filter((l) => l.status === 'active' || l.status === 'grace')
      .map((l) => {
        const view = licenseView(l, now);
        return {
          value: l.id,
          label: `${view.productName} …${view.keyHint} (${view.seatsText})`,
          selected: l.id === selected,
        };
      });
  }

  async newPage(user: Principal, values: Record<string, unknown> = {}) {
    const licenses = await this.licenses.allOf(user.orgId!);
    return {
      title: 'Add a device',
      breadcrumbs: [LIST, { label: 'Add a device' }],
      isAdmin: user.role === 'admin',
      licenseChoices: this.licenseChoices(licenses, values.licenseId as string | undefined),
      platformChoices: PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABELS[p], selected: p === values.platform })),
    };
  }

  async showPage(user: Principal, id: string) {
    const device = await this.devices.get(scopeOf(user), id);
    const names = await this.names(user.orgId!, [device]);
    const view = deviceView(device, names, +this.clock.now());
    return {
      title: device.name,
      breadcrumbs: [LIST, { label: device.name }],
      device: view,
      isAdmin: user.role === 'admin',
      moveChoices: this.licenseChoices(
        names.licenseList.filter((l) => l.id !== device.licenseId && l.product.platforms.includes(device.platform)),
      ),
    };
  }
}

@Injectable()
export class DevicePageLocals extends FormPageLocals {
  constructor(private readonly pages: DevicePages) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    if (!req.user?.orgId) return undefined;
    if (form.view === 'devices/new') return this.pages.newPage(req.user, (req.body ?? {}) as Record<string, unknown>);
    const id = req.params.id;
    if ((form.view === 'devices/show' || form.view === 'devices/remove') && typeof id === 'string') {
      return this.pages.showPage(req.user, id);
    }
    return undefined;
  }
}

interface DeviceListQuery {
  q?: string;
  protection?: string;
  platform?: string;
  license?: string;
  after?: string;
  before?: string;
}

@Controller('devices')
@Roles('admin', 'member')
@UseInterceptors(DevicePageLocals)
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly pages: DevicePages,
    private readonly people: PeopleService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('devices/index')
  async index(@CurrentUser() user: Principal, @Query() query: DeviceListQuery) {
    const scope = scopeOf(user);
    const list = parseDeviceList(query);
    const [page, summary] = await Promise.all([
      this.devices.list(scope, list.filter, pageRequest(query, 2)),
      this.devices.summary(scope),
    ]);
    const names = await this.pages.names(scope.organizationId, page.rows);
    return deviceListView({
      list,
      page,
      summary,
      names,
      licenseList: names.licenseList,
      isAdmin: user.role === 'admin',
      now: +this.clock.now(),
    });
  }

  @Get('new')
  @Render('devices/new')
  async new(@CurrentUser() user: Principal, @Query('license') license?: string) {
    // From a license's "Assign a seat": that license chosen.
    const values = typeof license === 'string' ? { licenseId: license } : {};
    return { ...(await this.pages.newPage(user, values)), values };
  }

  @Post()
  @FormView('devices/new')
  async create(@CurrentUser() user: Principal, @Body() body: NewDeviceDto, @Res() res: Response) {
    const ownerId = user.role === 'admin' ? await this.ownerIn(user.orgId!, body.ownerEmail) : user.personId;
    const device = await this.devices.addByHand(scopeOf(user), {
      name: body.name,
      platform: body.platform,
      licenseId: body.licenseId,
      ownerId,
    });
    setFlash(
      res,
      'success',
      `${device.name} holds a seat now. Install the agent on it with the license's product key, naming the device “${device.name}”: it takes this place.`,
    );
    return res.redirect(303, `/devices/${device.id}`);
  }

  @Get('seats')
  @Roles('admin')
  @Render('devices/seats')
  async seats(@OrgScope() orgId: string) {
    const now = +this.clock.now();
    const report = await this.devices.seatReport(orgId);
    return {
      title: 'Seats',
      breadcrumbs: [LIST, { label: 'Seats' }],
      rows: report.map((row) => ({
        ...row,
        license: licenseView(row.license, now),
        runsOut:
          row.runsOutInDays === null
            ? 'Not at the current rate (no new devices in 30 days)'
            : row.runsOutInDays === 0
              ? 'No seat left'
              : `In about ${row.runsOutInDays} day${row.runsOutInDays === 1 ? '' : 's'}`,
        full: row.free === 0,
      })),
    };
  }

  @Get('reclaim')
  @Roles('admin')
  @Render('devices/reclaim')
  async reclaimPreview(@OrgScope() orgId: string, @Query('days') daysText?: string) {
    const days = /^\d{1,3}$/.test(daysText ?? '') && Number(daysText) >= 1 ? Number(daysText) : 30;
    const preview = await this.devices.reclaimPreview(orgId, days);
    const names = await this.pages.names(orgId, preview);
    return {
      title: 'Reclaim stale seats',
      breadcrumbs: [LIST, { label: 'Reclaim stale seats' }],
      days,
      rows: preview.map((row) => deviceView(row, names, +this.clock.now())),
    };
  }

  @Post('reclaim')
  @Roles('admin')
  async reclaim(@OrgScope() orgId: string, @Body() body: ReclaimDto, @Res() res: Response) {
    const removed = await this.devices.reclaim(orgId, Number(body.days), body.deviceIds);
    setFlash(
      res,
      'success',
      removed === 0
        ? 'No device was removed: each was seen again since the preview, or removed already.'
        : `${removed} stale device${removed === 1 ? ' was' : 's were'} removed and ${removed === 1 ? 'its seat is' : 'their seats are'} free again.`,
    );
    return res.redirect(303, '/devices/seats');
  }

  @Get(':id')
  @Render('devices/show')
  async show(@CurrentUser() user: Principal, @UuidParam() id: string) {
    const page = await this.pages.showPage(user, id);
    return { ...page, values: { name: page.device.name, ownerEmail: page.device.ownerEmail ?? '' } };
  }

  @Post(':id')
  @FormView('devices/show')
  async update(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @Body() body: DeviceNameDto,
    @Res() res: Response,
  ) {
    const current = await this.devices.get(scopeOf(user), id);
    const ownerId = user.role === 'admin' ? await this.ownerIn(user.orgId!, body.ownerEmail) : current.ownerId;
    const device = await this.devices.update(scopeOf(user), id, { name: body.name, ownerId });
    setFlash(res, 'success', `${device.name} was saved.`);
    return res.redirect(303, `/devices/${id}`);
  }

  @Post(':id/move')
  @FormView('devices/show')
  async move(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @Body() body: MoveDeviceDto,
    @Res() res: Response,
  ) {
    const device = await this.devices.move(scopeOf(user), id, body.licenseId);
    setFlash(res, 'success', `${device.name} now uses a seat of the other license; its old seat is free.`);
    return res.redirect(303, `/devices/${id}`);
  }

  @Get(':id/remove')
  @Render('devices/remove')
  confirmRemove(@CurrentUser() user: Principal, @UuidParam() id: string) {
    return this.pages.showPage(user, id);
  }

  @Post(':id/remove')
  @FormView('devices/remove')
  async remove(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const device = await this.devices.remove(scopeOf(user), id);
    setFlash(res, 'success', `${device.name} was removed and its seat is free again.`);
    return res.redirect(303, '/devices');
  }

  /** The person an admin names as a device's owner: someone of the organization, or nobody. */
  private async ownerIn(orgId: string, email: string | undefined): Promise<string | null> {
    if (!email) return null;
    const person = await this.people.findForSignIn(email);
    if (!person || person.organizationId !== orgId) {
      throw new InputRefused({ ownerEmail: 'Nobody in your organization has this address.' });
    }
    return person.id;
  }
}

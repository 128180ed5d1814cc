import { Body, Controller, Get, Injectable, Post, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { FormView, OrgScope, RecentAuth, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import type { AppRequest } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { TwoFactorService } from '../auth/two-factor/two-factor.service';
import { OrganizationSettingsDto } from './dto/organization-settings.dto';
import { RequireTwoFactorDto } from './dto/require-two-factor.dto';
import { OrgSettingsService } from './org-settings.service';

const LOCALS = () => ({ title: 'Organization settings', breadcrumbs: [{ label: 'Organization settings' }] });

/** A refused settings form comes back within the whole page: its other parts are loaded here. */
@Injectable()
export class OrgSettingsPageLocals extends FormPageLocals {
  constructor(private readonly settings: OrgSettingsService) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    if (form.view !== 'org/settings' || !req.user?.orgId) return undefined;
    const { org, install, timeZoneOptions } = await this.settings.page(req.user.orgId);
    // The zone just chosen stays chosen on the form shown again.
    const body = req.body as { timeZone?: unknown } | undefined;
    const chosen = typeof body?.timeZone === 'string' ? body.timeZone : null;
    return {
      org,
      install,
      timeZoneOptions:
        chosen === null ? timeZoneOptions : timeZoneOptions.map((o) => ({ ...o, selected: o.value === chosen })),
    };
  }
}

/** An organization admin's settings for their own organization. */
@Controller('org/settings')
@Roles('admin')
@UseInterceptors(OrgSettingsPageLocals)
export class OrgSettingsController {
  constructor(
    private readonly settings: OrgSettingsService,
    private readonly twoFactor: TwoFactorService,
  ) {}

  @Get()
  @Render('org/settings')
  async show(@OrgScope() orgId: string) {
    return { ...LOCALS(), ...(await this.settings.page(orgId)) };
  }

  // Name, password length and idle timeout change how everyone signs in: the admin's password first.
  @Post()
  @RecentAuth('/org/settings')
  @FormView('org/settings', LOCALS)
  async update(@OrgScope() orgId: string, @Body() body: OrganizationSettingsDto, @Res() res: Response) {
    const changed = await this.settings.update(orgId, body);
    setFlash(res, changed ? 'success' : 'info', changed ? 'Organization settings saved.' : 'Nothing changed.');
    return res.redirect(303, '/org/settings');
  }

  @Post('two-factor')
  @RecentAuth('/org/settings')
  @FormView('org/settings', LOCALS)
  async updateTwoFactor(@OrgScope() orgId: string, @Body() body: RequireTwoFactorDto, @Res() res: Response) {
    const required = body.required;
    const changed = await this.twoFactor.setOrganizationRequirement(orgId, required);
    const message = required
      ? 'Two-factor sign-in is required. People without it will set it up at their next sign-in.'
      : 'Two-factor sign-in is no longer required.';
    setFlash(res, changed ? 'success' : 'info', changed ? message : 'Nothing changed.');
    return res.redirect(303, '/org/settings');
  }

  @Post('two-factor/remind')
  @FormView('org/settings', LOCALS)
  async remind(@OrgScope() orgId: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const count = await this.settings.remindWithoutTwoFactor(orgId);
    setFlash(
      res,
      count > 0 ? 'success' : 'info',
      count > 0
        ? `Reminder sent to ${count} ${count === 1 ? 'person' : 'people'} without two-factor sign-in.`
        : 'Everyone has set up two-factor sign-in: nobody to remind.',
    );
    return res.redirect(303, '/org/settings');
  }
}

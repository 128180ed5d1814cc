import { Body, Controller, Get, Post, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { OrgScope, RecentAuth, Roles } from '../../../common/http/decorators';
import { setFlash } from '../../../common/view/flash';
import { RequireTwoFactorDto } from './dto/require-two-factor.dto';
import { TwoFactorService } from './two-factor.service';

/** An organization admin's settings for their own organization. */
@Controller('org/settings')
@Roles('admin')
export class OrgSettingsController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @Get()
  @Render('org/settings')
  async show(@OrgScope() orgId: string) {
    const settings = await this.twoFactor.organizationSettings(orgId);
    return {
      title: 'Organization settings',
      breadcrumbs: [{ label: 'Organization settings' }],
      org: settings,
    };
  }

  // It changes how everyone in the organization signs in: the admin's password first.
  @Post('two-factor')
  @RecentAuth('/org/settings')
  async updateTwoFactor(@OrgScope() orgId: string, @Body() body: RequireTwoFactorDto, @Res() res: Response) {
    const required = body.required;
    const changed = await this.twoFactor.setOrganizationRequirement(orgId, required);
    const message = required
      ? 'Two-factor sign-in is required. People without it will set it up at their next sign-in.'
      : 'Two-factor sign-in is no longer required.';
    setFlash(res, changed ? 'success' : 'info', changed ? message : 'Nothing changed.');
    return res.redirect(303, '/org/settings');
  }
}

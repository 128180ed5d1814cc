import { Body, Controller, Post, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, FormView, OrgScope, Roles } from '../../common/http/decorators';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { formatDate } from '../../common/view/format';
import { ReminderMailDto, SnoozeRemindersDto } from './dto/license.dto';
import { LicensePageLocals } from './licenses.controller';
import { RenewalRemindersService } from './renewal-reminders.service';

/** Org admins snooze a license's renewal reminders, and turn reminder mail on or off for themselves. */
@Controller('licenses')
@Roles('admin')
@UseInterceptors(LicensePageLocals)
export class LicenseRemindersController {
  constructor(private readonly reminders: RenewalRemindersService) {}

  /** The signed-in admin's own reminder mail; auto-renew and everyone else's mail are left alone. */
  @Post('reminders')
  @FormView('licenses/index')
  async reminderMail(
    @OrgScope() orgId: string,
    @CurrentUser() user: Principal,
    @Body() body: ReminderMailDto,
    @Res() res: Response,
  ) {
    const on = body.mail === 'on';
    await this.reminders.setReminderMail({ id: user.personId, email: user.email, organizationId: orgId }, on);
    setFlash(
      res,
      'success',
      on
        ? 'You get renewal reminders by email again.'
        : 'You no longer get renewal reminders by email. Auto-renew is unchanged.',
    );
    return res.redirect(303, '/licenses');
  }

  @Post(':id/reminders/snooze')
  @FormView('licenses/show')
  async snooze(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() body: SnoozeRemindersDto,
    @Res() res: Response,
  ) {
    const { until, product } = await this.reminders.snooze(orgId, id, Number(body.days));
    setFlash(res, 'success', `Renewal reminders for ${product} are snoozed until ${formatDate(until, user.timeZone)}.`);
    return res.redirect(303, `/licenses/${id}`);
  }

  @Post(':id/reminders/resume')
  @FormView('licenses/show')
  async resume(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const resumed = await this.reminders.resume(orgId, id);
    setFlash(
      res,
      resumed ? 'success' : 'info',
      resumed ? 'Renewal reminders are back on.' : 'Renewal reminders were not snoozed.',
    );
    return res.redirect(303, `/licenses/${id}`);
  }
}

import { Body, Controller, Get, Post, Query, Render, Res, UseGuards } from '@nestjs/common';
import { RateLimit } from '../../common/http/rate-limit/rate-limit.guard';
import type { Response } from 'express';
import { AllowStages, CurrentUser, FormView } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { AccountService } from './account.service';
import { ConfirmPasswordDto } from './dto/confirm-password.dto';
import { safeNextPath } from '../auth/sign-in/safe-redirect';

const LOCALS = (next: unknown) => ({ title: 'Confirm your password', next: safeNextPath(next, '/account') });

/**
 * Where @RecentAuth() sends a sensitive change whose session has not had the
 * password typed for a while. Reachable while enrolling two-factor too, which
 * may itself need a recent password.
 */
@Controller('account/confirm')
@AllowStages('enrol')
export class AccountConfirmController {
  constructor(private readonly account: AccountService) {}

  @Get()
  @Render('account/confirm')
  show(@Query('next') next: unknown) {
    return LOCALS(next);
  }

  @Post()
  @UseGuards(RateLimit())
  @FormView('account/confirm', (req) => LOCALS((req.body as { next?: unknown } | undefined)?.next))
  async confirm(@CurrentUser() user: Principal, @Body() body: ConfirmPasswordDto, @Res() res: Response) {
    await this.account.confirmPassword(user, body.password);
    return res.redirect(303, LOCALS(body.next).next);
  }
}

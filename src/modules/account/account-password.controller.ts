import { Body, Controller, Get, Post, Render, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { RateLimit } from '../../common/http/rate-limit/rate-limit.guard';
import type { Response } from 'express';
import { CurrentUser, FormView } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { AccountPageLocals } from './account.controller';
import { AccountService } from './account.service';
import { PasswordChangeDto } from './dto/password-change.dto';

const LOCALS = () => ({
  title: 'Change your password',
  breadcrumbs: [
    { label: 'Dashboard', href: '/dashboard' },
    { label: 'Account', href: '/account' },
    { label: 'Change your password' },
  ],
});

// The current password is asked for on the form itself, so no @RecentAuth():
// typing it is the confirmation (and a wrong one is audited and throttled).
@Controller('account/password')
@UseInterceptors(AccountPageLocals)
export class AccountPasswordController {
  constructor(private readonly account: AccountService) {}

  @Get()
  @Render('account/password')
  async edit(@CurrentUser() user: Principal) {
    return { ...LOCALS(), ...(await this.account.passwordRules(user.personId)), values: {} };
  }

  @Post()
  @UseGuards(RateLimit())
  @FormView('account/password', LOCALS)
  async update(@CurrentUser() user: Principal, @Body() body: PasswordChangeDto, @Res() res: Response) {
    await this.account.changePassword(user, body);
    setFlash(
      res,
      'success',
      'Your password was changed. Every other browser signed in to your account was signed out.',
    );
    return res.redirect(303, '/account');
  }
}

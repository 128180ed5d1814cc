import { Controller, Get, Param, Post, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { AccountSessionsService } from '../auth/sessions/account-sessions.service';

// Signing out elsewhere protects the account, so it needs no recent password:
// someone who has just noticed a stranger's session should not be slowed down.
@Controller('account/sessions')
export class AccountSessionsController {
  constructor(private readonly sessions: AccountSessionsService) {}

  @Get()
  @Render('account/sessions')
  async index(@CurrentUser() user: Principal) {
    const sessions = await this.sessions.list(user);
    return {
      title: 'Signed-in sessions',
      breadcrumbs: [
        { label: 'Dashboard', href: '/dashboard' },
        { label: 'Account', href: '/account' },
        { label: 'Sessions' },
      ],
      sessions,
      hasOthers: sessions.some((s) => !s.current),
    };
  }

  @Post('end-others')
  async endOthers(@CurrentUser() user: Principal, @Res() res: Response) {
    const count = await this.sessions.endOthers(user);
    setFlash(
      res,
      'success',
      count === 0
        ? 'No other session was open.'
        : `Signed out ${count === 1 ? 'one other session' : `${count} other sessions`}.`,
    );
    return res.redirect(303, '/account/sessions');
  }

  @Post(':handle/end')
  async end(@CurrentUser() user: Principal, @Param('handle') handle: string, @Res() res: Response) {
    const device = await this.sessions.end(user, handle);
    setFlash(res, 'success', `Signed out the session in ${device}.`);
    return res.redirect(303, '/account/sessions');
  }
}

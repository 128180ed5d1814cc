import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { RateLimit } from '../../../common/http/rate-limit/rate-limit.guard';
import type { Response } from 'express';
import { FormView, Public } from '../../../common/http/decorators';
import type { AppRequest, Principal } from '../../../common/http/principal';
import { setFlash } from '../../../common/view/flash';
import { TwoFactorCodeDto } from '../../../common/http/two-factor-code.dto';
import { SessionMiddleware } from '../sessions/session.middleware';
import { TwoFactorSignInService } from './two-factor-sign-in.service';

const VIEW = 'auth/two-factor';
const TITLE = 'Two-factor sign-in';

/**
 * /login/2fa: the second step of sign-in. Public like /login, but it serves
 * only a session waiting for its code; everyone else is sent where they
 * belong, and a pending session that took too long back to /login.
 */
@Controller('login/2fa')
@Public()
export class TwoFactorController {
  constructor(
    private readonly signIn: TwoFactorSignInService,
    private readonly session: SessionMiddleware,
  ) {}

  @Get()
  show(@Req() req: AppRequest, @Res() res: Response) {
    const away = elsewhere(req.user);
    if (away) return res.redirect(303, away);
    // Too slow: back to /login. A GET writes nothing: the session row, good
    // for nothing past the time allowed, ends at the next POST or its expiry.
    if (!this.signIn.isCurrent(req.user!)) return this.restart(res);
    return res.render(VIEW, { title: TITLE, email: req.user!.email });
  }

  // A refused code comes back on the page (401, TWO_FACTOR_FAILED).
  @Post()
  @UseGuards(RateLimit())
  @FormView(VIEW, (req) => ({ title: TITLE, email: req.user?.email }))
  async verify(@Req() req: AppRequest, @Res() res: Response, @Body() body: TwoFactorCodeDto) {
    const away = elsewhere(req.user);
    if (away) return res.redirect(303, away);
    const result = await this.signIn.verify(req.user!, body.code);
    if (result.outcome === 'restart') return this.restart(res);
    // A new session id now that the sign-in is complete: the pending cookie has ended.
    this.session.setCookie(res, result.token);
    if (result.method === 'recovery_code') {
      const left = result.recoveryCodesLeft ?? 0;
      setFlash(
        res,
        'warning',
        left === 0
          ? 'You signed in with your last recovery code. Make new ones now on the Security page.'
          : `You signed in with a recovery code. ${left} ${left === 1 ? 'code is' : 'codes are'} left; make new ones on the Security page when you run low.`,
      );
    }
    return res.redirect(303, '/dashboard');
  }

  private restart(res: Response) {
    this.session.clearCookie(res);
    setFlash(res, 'warning', 'Your sign-in has expired. Enter your email and password again.');
    return res.redirect(303, '/login');
  }
}

// Where a request that is not a sign-in waiting for its code belongs, if anywhere else.
function elsewhere(user: Principal | undefined): string | null {
  if (!user) return '/login';
  if (user.stage === 'two_factor') return null;
  return user.stage === 'enrol' ? '/account/security' : '/dashboard';
}

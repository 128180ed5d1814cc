import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../../../common/http/decorators';
import type { AppRequest, Principal } from '../../../common/http/principal';
import { setFlash } from '../../../common/view/flash';
import { TwoFactorCodeDto } from '../../../common/http/two-factor-code.dto';
import { SessionMiddleware } from '../sessions/session.middleware';
import { TWO_FACTOR_FAILED, TwoFactorSignInService } from './two-factor-sign-in.service';

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
  async show(@Req() req: AppRequest, @Res() res: Response) {
    const user = await this.pending(req, res);
    if (!user) return;
    return res.render(VIEW, { title: TITLE, error: null });
  }

  @Post()
  @UseGuards(ThrottlerGuard)
  async verify(@Req() req: AppRequest, @Res() res: Response, @Body() body: TwoFactorCodeDto) {
    const user = await this.pending(req, res);
    if (!user) return;
    const result = await this.signIn.verify(user, body.code);
    if (result.outcome === 'restart') return this.restart(res);
    if (result.outcome === 'failed') return res.status(401).render(VIEW, { title: TITLE, error: TWO_FACTOR_FAILED });
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

  // The pending session, or null once the answer (a redirect) is sent.
  private async pending(req: AppRequest, res: Response): Promise<Principal | null> {
    const user = req.user;
    if (!user) {
      res.redirect(303, '/login');
      return null;
    }
    if (user.stage !== 'two_factor') {
      res.redirect(303, user.stage === 'enrol' ? '/account/security' : '/dashboard');
      return null;
    }
    if (!this.signIn.isCurrent(user)) {
      await this.signIn.abandon(user);
      this.restart(res);
      return null;
    }
    return user;
  }

  private restart(res: Response) {
    this.session.clearCookie(res);
    setFlash(res, 'warning', 'Your sign-in has expired. Enter your email and password again.');
    return res.redirect(303, '/login');
  }
}

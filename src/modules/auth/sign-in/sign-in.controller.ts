import { Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../../../common/http/decorators';
import type { AppRequest } from '../../../common/http/principal';
import { setFlash } from '../../../common/view/flash';
import { SignInService, SIGN_IN_FAILED, type SignInCandidate } from './sign-in.service';
import { KnownBrowsersService } from './known-browsers.service';
import { LocalAuthGuard } from './local-auth.guard';
import { safeNextPath } from './safe-redirect';
import { SessionMiddleware } from '../sessions/session.middleware';

type LoginRequest = AppRequest & { candidate?: SignInCandidate | null };

@Controller()
@Public()
export class SignInController {
  constructor(
    private readonly auth: SignInService,
    private readonly session: SessionMiddleware,
    private readonly browsers: KnownBrowsersService,
  ) {}

  @Get('login')
  login(@Req() req: AppRequest, @Res() res: Response, @Query('next') next?: string) {
    if (req.user) return res.redirect(303, safeNextPath(next));
    return res.render('auth/login', { title: 'Sign in', next: next ? safeNextPath(next, '') : undefined, values: {} });
  }

  @Post('login')
  @UseGuards(ThrottlerGuard, LocalAuthGuard)
  async signIn(@Req() req: LoginRequest, @Res() res: Response) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNextPath(body.next);
    if (!req.candidate) {
      return res.status(401).render('auth/login', {
        title: 'Sign in',
        error: SIGN_IN_FAILED,
        next: next === '/dashboard' ? undefined : next,
        values: { email: typeof body.email === 'string' ? body.email : '' },
      });
    }
    const { token, stage } = await this.auth.signIn(
      req.candidate,
      { ipAddress: req.ip, userAgent: req.get('user-agent'), browserId: this.browsers.identify(req, res) },
      req.user?.sessionId,
    );
    this.session.setCookie(res, token);
    if (stage === 'two_factor') return res.redirect(303, '/login/2fa');
    if (stage === 'enrol') return res.redirect(303, '/account/security');
    return res.redirect(303, next);
  }

  @Post('logout')
  @HttpCode(303)
  async signOut(@Req() req: AppRequest, @Res() res: Response) {
    if (req.user) {
      await this.auth.signOut(req.user);
      setFlash(res, 'success', 'You have signed out.');
    }
    this.session.clearCookie(res);
    return res.redirect(303, '/login');
  }
}

import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RateLimit } from '../../../common/http/rate-limit/rate-limit.guard';
import { typedEmail } from '../rate-limit-accounts';
import type { Response } from 'express';
import { FormView, Public } from '../../../common/http/decorators';
import type { AppRequest } from '../../../common/http/principal';
import { setFlash } from '../../../common/view/flash';
import { SignInService, type SignInCandidate } from './sign-in.service';
import { KnownBrowsersService } from './known-browsers.service';
import { Candidate, LocalAuthGuard } from './local-auth.guard';
import { safeNextPath } from './safe-redirect';
import { SignInDto } from './dto/sign-in.dto';
import { SessionMiddleware } from '../sessions/session.middleware';

// Where to go after signing in: a path on this site, named in the form only when it is not the default.
const nextIn = (body: unknown) => safeNextPath((body as { next?: unknown } | undefined)?.next);
const LOGIN_LOCALS = (req: AppRequest) => {
  const next = nextIn(req.body);
  return { title: 'Sign in', next: next === '/dashboard' ? undefined : next };
};

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

  // Every refused sign-in is the same 401 on this form (@Candidate()).
  @Post('login')
  @UseGuards(RateLimit(typedEmail), LocalAuthGuard)
  @FormView('auth/login', LOGIN_LOCALS)
  async signIn(
    @Req() req: AppRequest,
    @Body() form: SignInDto,
    @Candidate() candidate: SignInCandidate,
    @Res() res: Response,
  ) {
    const { token, stage } = await this.auth.signIn(
      candidate,
      { ipAddress: req.ip, userAgent: req.get('user-agent'), browserId: this.browsers.identify(req, res) },
      req.user?.sessionId,
    );
    this.session.setCookie(res, token);
    if (stage === 'two_factor') return res.redirect(303, '/login/2fa');
    if (stage === 'enrol') return res.redirect(303, '/account/security');
    return res.redirect(303, nextIn(form));
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

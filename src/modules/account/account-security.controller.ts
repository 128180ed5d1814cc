import { Body, Controller, Get, HttpCode, Post, Render, Res, UseGuards } from '@nestjs/common';
import { RateLimit } from '../../common/http/rate-limit/rate-limit.guard';
import type { Response } from 'express';
import { AllowStages, CurrentUser, FormView, RecentAuth } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { DisableTwoFactorDto } from './dto/disable-two-factor.dto';
import { EnableTwoFactorDto } from './dto/enable-two-factor.dto';
import { SessionMiddleware } from '../auth/sessions/session.middleware';
import { TwoFactorService, type TwoFactorSetup } from '../auth/two-factor/two-factor.service';

const SECURITY = { label: 'Security', href: '/account/security' };
const crumbs = (user: Principal | undefined, ...rest: { label: string; href?: string }[]) =>
  // A session held at enrolment reaches nothing else: no links out.
  user?.stage === 'active' ? [{ label: 'Account', href: '/account' }, ...rest] : [];
// A session held at enrolment names its account, so nobody finishes a sign-in someone else started.
const signingInAs = (user: Principal | undefined) => (user?.stage === 'enrol' ? user.email : undefined);
const SETUP_LOCALS = (user: Principal | undefined) => ({
  title: 'Set up two-factor sign-in',
  breadcrumbs: crumbs(user, SECURITY, { label: 'Set up two-factor' }),
  signingInAs: signingInAs(user),
  // Ticked unless the refused form came back with it cleared.
  signOutOthers: true,
});
const SECURITY_NEXT = { href: '/account/security', label: 'Back to security' };
const DISABLE_LOCALS = () => ({
  title: 'Turn off two-factor sign-in',
  breadcrumbs: [{ label: 'Account', href: '/account' }, SECURITY, { label: 'Turn off two-factor' }],
});

/**
 * /account/security and two-factor enrolment. A session the organization
 * holds at enrolment (stage `enrol`) reaches these pages and nothing else
 * until two-factor is on.
 */
@Controller('account')
export class AccountSecurityController {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly session: SessionMiddleware,
  ) {}

  @Get('security')
  @AllowStages('enrol')
  @Render('account/security')
  async show(@CurrentUser() user: Principal) {
    const status = await this.twoFactor.status(user.personId);
    return {
      title: 'Security',
      breadcrumbs: crumbs(user, { label: 'Security' }),
      enrolling: user.stage === 'enrol',
      signingInAs: signingInAs(user),
      // The organization stopped requiring it meanwhile: the person may go on (a POST, below).
      mayContinue: this.twoFactor.canSkipEnrolment(user, status),
      twoFactor: { ...status, lowOnCodes: status.enabled && status.recoveryCodesLeft <= 3 },
    };
  }

  // Signing a held session in is a change: never on a GET.
  @Post('security/continue')
  @AllowStages('enrol')
  async continueWithout(@CurrentUser() user: Principal, @Res() res: Response) {
    const token = await this.twoFactor.releaseEnrolment(user);
    // Signed in from here on, under a new session id.
    if (token) this.session.setCookie(res, token);
    return res.redirect(303, '/dashboard');
  }

  @Post('2fa/setup')
  @HttpCode(200)
  @AllowStages('enrol')
  @RecentAuth()
  async setup(@CurrentUser() user: Principal, @Res() res: Response) {
    return this.renderSetup(res, user, await this.twoFactor.beginSetup(user));
  }

  // The same secret again (a refresh, or back from confirming the password).
  @Get('2fa/setup')
  @AllowStages('enrol')
  @RecentAuth()
  async showSetup(@CurrentUser() user: Principal, @Res() res: Response) {
    const setup = await this.twoFactor.pendingSetup(user);
    if (!setup) return res.redirect(303, '/account/security');
    return this.renderSetup(res, user, setup);
  }

  @Post('2fa/enable')
  @HttpCode(200)
  @AllowStages('enrol')
  @RecentAuth()
  @FormView('account/two-factor-setup', (req) => ({
    ...SETUP_LOCALS(req.user),
    signOutOthers: (req.body as { signOutOthers?: unknown } | undefined)?.signOutOthers !== undefined,
  }))
  async enable(@CurrentUser() user: Principal, @Body() body: EnableTwoFactorDto, @Res() res: Response) {
    const { recoveryCodes, token } = await this.twoFactor.enable(user, body.code, {
      signOutOthers: body.signsOutOthers,
    });
    // A session held at enrolment is signed in now, under a new session id.
    if (token) this.session.setCookie(res, token);
    return this.renderCodes(res, user, recoveryCodes, 'Two-factor sign-in is on.');
  }

  @Post('2fa/recovery-codes')
  @HttpCode(200)
  @RecentAuth()
  async regenerate(@CurrentUser() user: Principal, @Res() res: Response) {
    const codes = await this.twoFactor.regenerateRecoveryCodes(user);
    return this.renderCodes(res, user, codes, 'New recovery codes made. The old ones no longer work.');
  }

  @Get('2fa/disable')
  async confirmDisable(@CurrentUser() user: Principal, @Res() res: Response) {
    const status = await this.twoFactor.status(user.personId);
    if (!status.enabled || status.required) return res.redirect(303, '/account/security');
    return res.render('account/two-factor-disable', { ...DISABLE_LOCALS(), values: {} });
  }

  @Post('2fa/disable')
  @UseGuards(RateLimit())
  @FormView('account/two-factor-disable', DISABLE_LOCALS)
  async disable(@CurrentUser() user: Principal, @Body() body: DisableTwoFactorDto, @Res() res: Response) {
    await this.twoFactor.disable(user, body);
    setFlash(res, 'success', 'Two-factor sign-in is off. Your password alone now signs you in.');
    return res.redirect(303, '/account/security');
  }

  private renderSetup(res: Response, user: Principal, setup: TwoFactorSetup) {
    return res.render('account/two-factor-setup', { ...SETUP_LOCALS(user), setup });
  }

  // Shown this once: the codes exist nowhere else in clear.
  private renderCodes(res: Response, user: Principal, codes: string[], done: string) {
    return res.render('account/recovery-codes', {
      title: 'Your recovery codes',
      breadcrumbs: crumbs(user, SECURITY, { label: 'Recovery codes' }),
      done,
      codes,
      // A session held at enrolment is signed in now.
      next: user.stage === 'enrol' ? { href: '/dashboard', label: 'Continue to the dashboard' } : SECURITY_NEXT,
    });
  }
}

import { Body, Controller, Get, Post, Query, Res, UseGuards } from '@nestjs/common';
import { RateLimit } from '../../../common/http/rate-limit/rate-limit.guard';
import { resetToken, typedEmail } from '../rate-limit-accounts';
import type { Response } from 'express';
import { FormView, Public } from '../../../common/http/decorators';
import type { AppRequest } from '../../../common/http/principal';
import { setFlash } from '../../../common/view/flash';
import { ForgotPasswordDto } from './dto/forgot-password.dto';
import { ResetPasswordDto } from './dto/reset-password.dto';
import { PasswordPolicy } from '../../people/password-policy';
import { PasswordResetService } from './password-reset.service';

const FORGOT_TITLE = 'Reset your password';
const RESET_TITLE = 'Choose a new password';

// Only something shaped like a token goes back into the page.
const tokenIn = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[\w-]{1,64}$/.test(value) ? value : undefined;

@Controller()
@Public()
export class PasswordResetController {
  constructor(
    private readonly resets: PasswordResetService,
    private readonly policy: PasswordPolicy,
  ) {}

  @Get('forgot-password')
  forgot(@Res() res: Response, @Query('sent') sent?: string) {
    return res.render('auth/forgot-password', { title: FORGOT_TITLE, sent: sent === '1', values: {} });
  }

  // Every address gets the same redirect and page, whether or not it has an account.
  @Post('forgot-password')
  @UseGuards(RateLimit(typedEmail))
  @FormView('auth/forgot-password', () => ({ title: FORGOT_TITLE }))
  requestLink(@Body() body: ForgotPasswordDto, @Res() res: Response) {
    this.resets.requestLink(body.email);
    return res.redirect(303, '/forgot-password?sent=1');
  }

  // A link that no longer works is refused input: the same view says so instead of showing the form.
  @Get('reset-password')
  @FormView('auth/reset-password', () => ({ title: RESET_TITLE }))
  async edit(@Res() res: Response, @Query('token') token?: string) {
    // The token is in the URL: keep the page out of every cache.
    res.setHeader('Cache-Control', 'no-store');
    const link = await this.resets.link(token);
    return res.render('auth/reset-password', {
      title: RESET_TITLE,
      token,
      email: link.email,
      passwordMinLength: link.passwordMinLength,
      passwordHelp: this.policy.describe(link.passwordMinLength),
      strength: null,
      values: {},
    });
  }

  @Post('reset-password')
  @UseGuards(RateLimit(resetToken))
  @FormView('auth/reset-password', (req: AppRequest) => ({
    title: RESET_TITLE,
    token: tokenIn((req.body as Record<string, unknown> | undefined)?.token),
    strength: null,
  }))
  async update(@Body() body: ResetPasswordDto, @Res() res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    await this.resets.reset(body.token, body.password, body.confirmPassword);
    setFlash(
      res,
      'success',
      'Your password has been changed and you have been signed out everywhere. Sign in with your new password.',
    );
    return res.redirect(303, '/login');
  }
}

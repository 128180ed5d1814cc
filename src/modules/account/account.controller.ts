import { Body, Controller, Get, Injectable, Post, Query, Render, Req, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, FormView, Public, RecentAuth, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import type { AppRequest, Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { AccountService } from './account.service';
import { BackupEmailDto } from './dto/backup-email.dto';
import { ConfirmLinkDto } from './dto/confirm-link.dto';
import { EmailChangeDto } from './dto/email-change.dto';
import { PhraseDto } from './dto/phrase.dto';
import { ProfileDto } from './dto/profile.dto';
import { TimeZoneDto } from './dto/time-zone.dto';

const SHOW_LOCALS = () => ({
  title: 'Account',
  breadcrumbs: [{ label: 'Dashboard', href: '/dashboard' }, { label: 'Account' }],
});
// A link from a mail opens a page that asks: a mail scanner following it changes nothing.
const LINK_PAGE = 'account/confirm-link';

/**
 * What a refused account form is shown again with, loaded here because
 * validation runs before the handler: /account has several forms, each shown
 * again within the whole page; the password form needs the policy's length.
 */
@Injectable()
export class AccountPageLocals extends FormPageLocals {
  constructor(private readonly account: AccountService) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    if (!req.user) return undefined;
    if (form.view === 'account/show') return this.account.page(req.user.personId);
    if (form.view === 'account/password') return this.account.passwordRules(req.user.personId);
    return undefined;
  }
}

@Controller('account')
@UseInterceptors(AccountPageLocals)
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Get()
  @Render('account/show')
  async show(@CurrentUser() user: Principal) {
    return { ...SHOW_LOCALS(), ...(await this.account.page(user.personId)), values: {} };
  }

  @Post('profile')
  @FormView('account/show', SHOW_LOCALS)
  async updateProfile(@CurrentUser() user: Principal, @Body() body: ProfileDto, @Res() res: Response) {
    await this.account.rename(user, body.name);
    setFlash(res, 'success', 'Your name was saved.');
    return res.redirect(303, '/account');
  }

  @Post('time-zone')
  @FormView('account/show', SHOW_LOCALS)
  async updateTimeZone(@CurrentUser() user: Principal, @Body() body: TimeZoneDto, @Res() res: Response) {
    await this.account.setTimeZone(user, body.timeZone ?? null);
    setFlash(res, 'success', 'Your time zone was saved: times are shown in it from now on.');
    return res.redirect(303, '/account');
  }

  @Post('email')
  @RecentAuth()
  @FormView('account/show', SHOW_LOCALS)
  async requestEmailChange(@CurrentUser() user: Principal, @Body() body: EmailChangeDto, @Res() res: Response) {
    const email = await this.account.requestEmailChange(user, body.newEmail);
    setFlash(
      res,
      'info',
      `We sent a link to ${email}. Your email address changes once you follow it; until then, keep signing in with the current one.`,
    );
    return res.redirect(303, '/account');
  }

  // Opened from the mail, signed in or not.
  @Get('email/confirm')
  @Public()
  @Render(LINK_PAGE)
  async showEmailChange(@Query('token') token: unknown) {
    const { email } = await this.account.checkEmailChange(token);
    return { title: 'Confirm your new email address', action: '/account/email/confirm', token, email };
  }

  @Post('email/confirm')
  @Public()
  async confirmEmailChange(@Req() req: AppRequest, @Body() body: ConfirmLinkDto, @Res() res: Response) {
    const { email } = await this.account.confirmEmailChange(body.token);
    setFlash(res, 'success', `Your email address is now ${email}. Use it to sign in from now on.`);
    return res.redirect(303, req.user ? '/account' : '/login');
  }

  @Post('backup-email')
  @RecentAuth()
  @FormView('account/show', SHOW_LOCALS)
  async requestBackupEmail(@CurrentUser() user: Principal, @Body() body: BackupEmailDto, @Res() res: Response) {
    const email = await this.account.requestBackupEmail(user, body.backupEmail);
    setFlash(res, 'info', `We sent a link to ${email}. It becomes your backup address once you follow it.`);
    return res.redirect(303, '/account');
  }

  @Get('backup-email/confirm')
  @Public()
  @Render(LINK_PAGE)
  async showBackupEmail(@Query('token') token: unknown) {
    const { backupEmail } = await this.account.checkBackupEmail(token);
    return { title: 'Confirm your backup email address', action: '/account/backup-email/confirm', token, backupEmail };
  }

  @Post('backup-email/confirm')
  @Public()
  async confirmBackupEmail(@Req() req: AppRequest, @Body() body: ConfirmLinkDto, @Res() res: Response) {
    const { backupEmail } = await this.account.confirmBackupEmail(body.token);
    setFlash(res, 'success', `${backupEmail} is now the backup email address of your account.`);
    return res.redirect(303, req.user ? '/account' : '/login');
  }

  @Post('backup-email/remove')
  @RecentAuth()
  async removeBackupEmail(@CurrentUser() user: Principal, @Res() res: Response) {
    await this.account.removeBackupEmail(user);
    setFlash(res, 'success', 'Your backup email address was removed.');
    return res.redirect(303, '/account');
  }

  @Post('phrase')
  @RecentAuth()
  @FormView('account/show', SHOW_LOCALS)
  async setPhrase(@CurrentUser() user: Principal, @Body() body: PhraseDto, @Res() res: Response) {
    await this.account.setPhrase(user, body.phrase);
    setFlash(res, 'success', 'Your security phrase was saved. Every email we send you shows it from now on.');
    return res.redirect(303, '/account');
  }

  @Post('phrase/remove')
  @RecentAuth()
  async removePhrase(@CurrentUser() user: Principal, @Res() res: Response) {
    await this.account.setPhrase(user, null);
    setFlash(res, 'success', 'Your security phrase was removed.');
    return res.redirect(303, '/account');
  }
}

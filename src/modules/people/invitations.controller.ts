import { Body, Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { FormView, Public } from '../../common/http/decorators';
import type { AppRequest } from '../../common/http/principal';
import { RateLimit, type AccountOf } from '../../common/http/rate-limit/rate-limit.guard';
import { setFlash } from '../../common/view/flash';
import { createHash } from 'node:crypto';
import { AcceptInvitationDto } from './dto/accept-invitation.dto';
import { InvitationsService } from './invitations.service';
import { PasswordPolicy } from './password-policy';

const TITLE = 'Accept your invitation';

// Only something shaped like a token goes back into the page.
const tokenIn = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[\w-]{1,64}$/.test(value) ? value : undefined;

/** Counts per invitation link (hashed: the counter's key never holds a usable token). */
const invitationToken: AccountOf = (req) => {
  const token = (req.params as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string'
    ? `invitation:${createHash('sha256').update(token.slice(0, 256)).digest('hex')}`
    : undefined;
};

/** The page an invitation link opens: the invited person chooses their name and password. */
@Controller('invitations')
@Public()
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly policy: PasswordPolicy,
  ) {}

  // A link that no longer works is refused input: the same view says so instead of the form (400).
  @Get(':token')
  @FormView('people/accept', () => ({ title: TITLE }))
  async show(@Param('token') token: string, @Res() res: Response) {
    // The token is in the URL: keep the page out of every cache.
    res.setHeader('Cache-Control', 'no-store');
    const invitation = await this.invitations.invitation(token);
    return res.render('people/accept', {
      title: TITLE,
      token: tokenIn(token),
      ...invitation,
      passwordMinLength: this.policy.minLength,
      strength: null,
      values: { name: invitation.name },
    });
  }

  @Post(':token')
  @UseGuards(RateLimit(invitationToken))
  @FormView('people/accept', (req: AppRequest) => ({
    title: TITLE,
    token: tokenIn(req.params.token),
    strength: null,
  }))
  async accept(@Param('token') token: string, @Body() body: AcceptInvitationDto, @Res() res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    const accepted = await this.invitations.accept(token, body);
    setFlash(res, 'success', `Welcome, ${accepted.name}. Your account is ready: sign in with your new password.`);
    return res.redirect(303, '/login');
  }
}

import {
  Body,
  Controller,
  Get,
  Injectable,
  Post,
  Query,
  Render,
  Res,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { CurrentUser, Roles, useFormView } from '../../common/http/decorators';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { BackInActionDto, EndSessionsDto, ResendInvitationDto } from './dto/helpdesk-action.dto';
import { BACK_IN_REASONS, END_SESSIONS_REASONS, RESEND_INVITATION_REASONS, reasonText } from './helpdesk-reasons';
import { HelpdeskService, type HelpdeskAction } from './helpdesk.service';
import { actionPage, foundPersonView, guidedPage, healthView, HELPDESK_ACTIONS, LIST } from './helpdesk.view';

/**
 * Where a refused action form is shown again, with its page's locals: the
 * guided "can't sign in" page when it was posted from there, else the
 * action's own page. Loaded here because validation runs before the handler;
 * a person the agent may not see is refused here, before anything else.
 */
@Injectable()
export class HelpdeskPageLocals implements NestInterceptor {
  constructor(private readonly helpdesk: HelpdeskService) {}

  async intercept(context: ExecutionContext, next: CallHandler) {
    const req = context.switchToHttp().getRequest<AppRequest>();
    const kind = req.path.split('/').pop() as HelpdeskAction;
    const id = req.params.id;
    if (req.method === 'POST' && req.user && typeof id === 'string' && HELPDESK_ACTIONS.includes(kind)) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.flow === 'guided') {
        const health = healthView(await this.helpdesk.health(req.user, id));
        useFormView(req, { view: 'helpdesk/cant-sign-in', locals: () => guidedPage(health, body) });
      } else {
        const person = await this.helpdesk.person(req.user, id);
        useFormView(req, { view: 'helpdesk/action', locals: () => actionPage(person, kind, body) });
      }
    }
    return next.handle();
  }
}

/**
 * Helpdesk staff and operators: find a person in any organization, see why
 * they cannot sign in, and get them back in. Organization admins and members
 * are refused every page (403).
 */
@Controller('admin/users')
@Roles('helpdesk', 'operator')
@UseInterceptors(HelpdeskPageLocals)
export class HelpdeskController {
  constructor(
    private readonly helpdesk: HelpdeskService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('helpdesk/index')
  async index(@Query() query: Record<string, unknown>) {
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 120) : '';
    const now = +this.clock.now();
    // `?status=locked` without a search: everyone locked out now (the dashboard's number links here).
    if (!q && query.status === 'locked') {
      const page = await this.helpdesk.locked(pageRequest(query, 2));
      return {
        title: 'People',
        breadcrumbs: [{ label: 'People' }],
        q,
        lockedOnly: true,
        rows: page.rows.map((row) => foundPersonView(row, now)),
        ...pageLinks('/admin/users', { status: 'locked' }, page),
      };
    }
    const page = await this.helpdesk.search(q, pageRequest(query, 1));
    return {
      title: 'People',
      breadcrumbs: [{ label: 'People' }],
      q,
      searched: page.searched,
      rows: page.rows.map((row) => foundPersonView(row, now)),
      ...pageLinks('/admin/users', { q }, page),
    };
  }

  @Get(':id')
  @Render('helpdesk/show')
  async show(@UuidParam() id: string, @CurrentUser() user: Principal) {
    const health = healthView(await this.helpdesk.health(user, id));
    return { title: health.name, breadcrumbs: [LIST, { label: health.name }], health };
  }

  @Get(':id/cant-sign-in')
  @Render('helpdesk/cant-sign-in')
  async cantSignIn(@UuidParam() id: string, @CurrentUser() user: Principal) {
    return { ...guidedPage(healthView(await this.helpdesk.health(user, id))), values: {} };
  }

  @Get(':id/unlock')
  @Render('helpdesk/action')
  unlockPage(@UuidParam() id: string, @CurrentUser() user: Principal) {
    return this.page(user, id, 'unlock');
  }

  @Post(':id/unlock')
  async unlock(
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() body: BackInActionDto,
    @Res() res: Response,
  ) {
    const reason = reasonText(BACK_IN_REASONS[body.reason], body.note);
    const { person, wasLocked } = await this.helpdesk.unlock(user, id, reason);
    setFlash(
      res,
      'success',
      wasLocked
        ? `${person.name}'s account is unlocked: they can sign in now. They were told by email.`
        : `${person.name} was not locked; their failed sign-ins are forgotten. They were told by email.`,
    );
    return res.redirect(303, `/admin/users/${id}`);
  }

  @Get(':id/send-reset')
  @Render('helpdesk/action')
  sendResetPage(@UuidParam() id: string, @CurrentUser() user: Principal) {
    return this.page(user, id, 'send-reset');
  }

  @Post(':id/send-reset')
  async sendReset(
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() body: BackInActionDto,
    @Res() res: Response,
  ) {
    const person = await this.helpdesk.sendReset(user, id, reasonText(BACK_IN_REASONS[body.reason], body.note));
    setFlash(res, 'success', `A password-reset link valid 12 hours is on its way to ${person.email}.`);
    return res.redirect(303, `/admin/users/${id}`);
  }

  @Get(':id/reset-2fa')
  @Render('helpdesk/action')
  resetTwoFactorPage(@UuidParam() id: string, @CurrentUser() user: Principal) {
    return this.page(user, id, 'reset-2fa');
  }

  @Post(':id/reset-2fa')
  async resetTwoFactor(
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() body: BackInActionDto,
    @Res() res: Response,
  ) {
    const person = await this.helpdesk.resetTwoFactor(user, id, reasonText(BACK_IN_REASONS[body.reason], body.note));
    setFlash(res, 'success', `Two-factor sign-in is off for ${person.name}. They were told by email.`);
    return res.redirect(303, `/admin/users/${id}`);
  }

  @Get(':id/end-sessions')
  @Render('helpdesk/action')
  endSessionsPage(@UuidParam() id: string, @CurrentUser() user: Principal) {
    return this.page(user, id, 'end-sessions');
  }

  @Post(':id/end-sessions')
  async endSessions(
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() body: EndSessionsDto,
    @Res() res: Response,
  ) {
    const reason = reasonText(END_SESSIONS_REASONS[body.reason], body.note);
    const { person, count } = await this.helpdesk.endSessions(user, id, reason);
    setFlash(
      res,
      'success',
      `${person.name} is signed out everywhere (${count} ${count === 1 ? 'session' : 'sessions'} ended).`,
    );
    return res.redirect(303, `/admin/users/${id}`);
  }

  // Only an invited person has an invitation to resend: anyone else's account page is where this leads.
  @Get(':id/resend-invitation')
  async resendInvitationPage(@UuidParam() id: string, @CurrentUser() user: Principal, @Res() res: Response) {
    const person = await this.helpdesk.person(user, id);
    if (person.status !== 'invited') return res.redirect(303, `/admin/users/${id}`);
    return res.render('helpdesk/action', { ...actionPage(person, 'resend-invitation'), values: {} });
  }

  @Post(':id/resend-invitation')
  async resendInvitation(
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() body: ResendInvitationDto,
    @Res() res: Response,
  ) {
    const reason = reasonText(RESEND_INVITATION_REASONS[body.reason], body.note);
    const person = await this.helpdesk.resendInvitation(user, id, reason);
    setFlash(res, 'success', `A new invitation is on its way to ${person.email}; the previous link no longer works.`);
    return res.redirect(303, `/admin/users/${id}`);
  }

  private async page(user: Principal, id: string, kind: HelpdeskAction) {
    const person = await this.helpdesk.person(user, id);
    return { ...actionPage(person, kind), values: {} };
  }
}

import { Body, Controller, Get, Injectable, Post, Query, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { CurrentUser, FormView, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { ROLE_LABELS } from '../../common/view/navigation';
import { personState } from '../people/people-list';
import type { Person } from '../people/person.entity';
import { NewStaffDto } from './dto/new-staff.dto';
import { StaffRoleDto } from './dto/staff-role.dto';
import { StaffService, type StaffInvitation } from './staff.service';

const LIST = { label: 'Staff', href: '/admin/staff' };
const NEW_LOCALS = () => ({ title: 'Invite a staff member', breadcrumbs: [LIST, { label: 'Invite a staff member' }] });

/** Staff per page of the list. */
export const STAFF_PAGE_SIZE = 50;

// The same states as the people lists: green active, yellow invited, red locked, gray disabled.
const state = (status: string, lockedUntil: number | null, now: number) => personState({ status, lockedUntil }, now);

function staffView(person: Person, now: number, actingId: string, invitation: StaffInvitation | null = null) {
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    role: person.role,
    roleLabel: ROLE_LABELS[person.role],
    ...state(person.status, person.lockedUntil ? +person.lockedUntil : null, now),
    disabled: person.status === 'disabled',
    invited: person.status === 'invited',
    invitation: invitation && { ...invitation, expired: invitation.expiresAt <= now },
    twoFactorOn: person.totpEnabledAt !== null,
    createdAt: person.createdAt,
    lastSignInAt: person.lastSignInAt,
    isSelf: person.id === actingId,
  };
}

type StaffPageKind = 'disable' | 'revoke';
const CONFIRM_TITLES: Record<StaffPageKind, string> = { disable: 'Disable account', revoke: 'Revoke invitation' };

function staffPage(member: ReturnType<typeof staffView>, confirm?: StaffPageKind) {
  const self = { label: member.name, href: `/admin/staff/${member.id}` };
  return {
    title: confirm ? `${CONFIRM_TITLES[confirm]}: ${member.name}` : member.name,
    breadcrumbs: confirm ? [LIST, self, { label: CONFIRM_TITLES[confirm] }] : [LIST, { label: member.name }],
    member,
  };
}

/** What a refused form on a staff member's pages is shown again with (validation runs before the handler). */
@Injectable()
export class StaffPageLocals extends FormPageLocals {
  constructor(
    private readonly staff: StaffService,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    const id = req.params.id;
    if (!form.view.startsWith('staff/') || form.view === 'staff/new' || !req.user || typeof id !== 'string') {
      return undefined;
    }
    const person = await this.staff.get(id);
    const view = staffView(person, +this.clock.now(), req.user.personId, await this.staff.invitationOf(person));
    if (form.view === 'staff/confirm') return staffPage(view, 'disable');
    if (form.view === 'staff/revoke') return staffPage(view, 'revoke');
    return staffPage(view);
  }
}

/** Operators manage the install's staff: operators and helpdesk. */
@Controller('admin/staff')
@Roles('operator')
@UseInterceptors(StaffPageLocals)
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('staff/index')
  async index(@Query() query: Record<string, unknown>) {
    const now = +this.clock.now();
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 120) : '';
    const page = await this.staff.list(q || undefined, pageRequest(query, 2, STAFF_PAGE_SIZE));
    return {
      title: 'Staff',
      breadcrumbs: [{ label: 'Staff' }],
      q,
      chips: q ? [{ label: `Matching “${q}”`, href: '/admin/staff' }] : [],
      rows: page.rows.map((row) => ({
        ...row,
        roleLabel: ROLE_LABELS[row.role],
        ...state(row.status, row.lockedUntil, now),
        twoFactorOn: row.totpEnabledAt !== null,
      })),
      ...pageLinks('/admin/staff', { q: q || undefined }, page),
    };
  }

  @Get('new')
  @Render('staff/new')
  new() {
    return { ...NEW_LOCALS(), values: { role: 'helpdesk' } };
  }

  @Post()
  @FormView('staff/new', NEW_LOCALS)
  async create(@Body() body: NewStaffDto, @CurrentUser() user: Principal, @Res() res: Response) {
    const invited = await this.staff.invite(user.personId, body);
    setFlash(
      res,
      'success',
      `An invitation to join as ${ROLE_LABELS[body.role]} is on its way to ${invited.email}. The link works for 7 days.`,
    );
    return res.redirect(303, `/admin/staff/${invited.id}`);
  }

  @Get(':id')
  @Render('staff/show')
  async show(@UuidParam() id: string, @CurrentUser() user: Principal) {
    return { ...(await this.page(id, user)), values: {} };
  }

  @Post(':id/resend')
  @FormView('staff/show')
  async resend(@UuidParam() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const invitation = await this.staff.resendInvitation(id);
    setFlash(
      res,
      'success',
      `A new invitation is on its way to ${invitation.email}; the previous link no longer works.`,
    );
    return res.redirect(303, `/admin/staff/${id}`);
  }

  // Only an open invitation can be revoked: anyone else's page is where this leads.
  @Get(':id/revoke')
  async confirmRevoke(@UuidParam() id: string, @CurrentUser() user: Principal, @Res() res: Response) {
    const page = await this.page(id, user, 'revoke');
    if (!page.member.invited) return res.redirect(303, `/admin/staff/${id}`);
    return res.render('staff/revoke', { ...page, values: {} });
  }

  @Post(':id/revoke')
  @FormView('staff/revoke')
  async revoke(@UuidParam() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const invitation = await this.staff.revokeInvitation(id);
    setFlash(res, 'success', `The invitation to ${invitation.email} is revoked.`);
    return res.redirect(303, '/admin/staff');
  }

  @Post(':id/role')
  @FormView('staff/show')
  async changeRole(
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() body: StaffRoleDto,
    @Res() res: Response,
  ) {
    const person = await this.staff.changeRole(id, body.role);
    if (person.role !== body.role) setFlash(res, 'success', `${person.name} is now: ${ROLE_LABELS[body.role]}.`);
    // An operator who made themselves helpdesk has left the staff pages.
    return res.redirect(
      303,
      person.id === user.personId && body.role === 'helpdesk' ? '/dashboard' : `/admin/staff/${id}`,
    );
  }

  // An invited staff member has nothing to disable (their page offers revoking instead).
  @Get(':id/disable')
  async confirmDisable(@UuidParam() id: string, @CurrentUser() user: Principal, @Res() res: Response) {
    const page = await this.page(id, user, 'disable');
    if (page.member.invited) return res.redirect(303, `/admin/staff/${id}`);
    return res.render('staff/confirm', { ...page, values: {} });
  }

  @Post(':id/disable')
  @FormView('staff/confirm')
  async disable(
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const person = await this.staff.disable(user.personId, id);
    setFlash(res, 'success', `${person.name}'s account is disabled and their sessions have ended.`);
    return res.redirect(303, `/admin/staff/${id}`);
  }

  @Post(':id/enable')
  @FormView('staff/show')
  async enable(@UuidParam() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const person = await this.staff.enable(id);
    setFlash(res, 'success', `${person.name} can sign in again.`);
    return res.redirect(303, `/admin/staff/${id}`);
  }

  @Post(':id/reset-link')
  @FormView('staff/show')
  async sendResetLink(@UuidParam() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const person = await this.staff.sendResetLink(id);
    setFlash(res, 'success', `A link to choose a new password was sent to ${person.email}.`);
    return res.redirect(303, `/admin/staff/${id}`);
  }

  private async page(id: string, user: Principal, confirm?: StaffPageKind) {
    const person = await this.staff.get(id);
    const invitation = await this.staff.invitationOf(person);
    return staffPage(staffView(person, +this.clock.now(), user.personId, invitation), confirm);
  }
}

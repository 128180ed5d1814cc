import { Body, Controller, Get, Injectable, Post, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { CurrentUser, FormView, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { ROLE_LABELS } from '../../common/view/navigation';
import type { Person } from '../people/person.entity';
import { NewStaffDto } from './dto/new-staff.dto';
import { StaffRoleDto } from './dto/staff-role.dto';
import { StaffService } from './staff.service';

const LIST = { label: 'Staff', href: '/admin/staff' };
const NEW_LOCALS = () => ({ title: 'New staff member', breadcrumbs: [LIST, { label: 'New staff member' }] });

// The same states as the people lists: green active, red locked, gray disabled.
function state(status: string, lockedUntil: number | null, now: number) {
  if (status === 'disabled') return { state: 'disabled', label: 'Disabled', color: 'secondary' };
  if (lockedUntil !== null && lockedUntil > now) return { state: 'locked', label: 'Locked', color: 'red', lockedUntil };
  return { state: 'active', label: 'Active', color: 'green' };
}

function staffView(person: Person, now: number, actingId: string) {
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    role: person.role,
    roleLabel: ROLE_LABELS[person.role],
    ...state(person.status, person.lockedUntil ? +person.lockedUntil : null, now),
    disabled: person.status === 'disabled',
    twoFactorOn: person.totpEnabledAt !== null,
    createdAt: person.createdAt,
    lastSignInAt: person.lastSignInAt,
    isSelf: person.id === actingId,
  };
}

function staffPage(member: ReturnType<typeof staffView>, confirmDisable = false) {
  const self = { label: member.name, href: `/admin/staff/${member.id}` };
  return {
    title: confirmDisable ? `Disable account: ${member.name}` : member.name,
    breadcrumbs: confirmDisable ? [LIST, self, { label: 'Disable account' }] : [LIST, { label: member.name }],
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
    return staffPage(staffView(person, +this.clock.now(), req.user.personId), form.view === 'staff/confirm');
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
  async index() {
    const now = +this.clock.now();
    const rows = await this.staff.list();
    return {
      title: 'Staff',
      breadcrumbs: [{ label: 'Staff' }],
      rows: rows.map((row) => ({
        ...row,
        roleLabel: ROLE_LABELS[row.role],
        ...state(row.status, row.lockedUntil, now),
        twoFactorOn: row.totpEnabledAt !== null,
      })),
    };
  }

  @Get('new')
  @Render('staff/new')
  new() {
    return { ...NEW_LOCALS(), values: { role: 'helpdesk' } };
  }

  @Post()
  @FormView('staff/new', NEW_LOCALS)
  async create(@Body() body: NewStaffDto, @Res() res: Response) {
    const person = await this.staff.create(body);
    setFlash(
      res,
      'success',
      `${person.name} was added as ${ROLE_LABELS[person.role]}. A link to choose their password was sent to ${person.email}.`,
    );
    return res.redirect(303, `/admin/staff/${person.id}`);
  }

  @Get(':id')
  @Render('staff/show')
  async show(@UuidParam() id: string, @CurrentUser() user: Principal) {
    const person = await this.staff.get(id);
    return { ...staffPage(staffView(person, +this.clock.now(), user.personId)), values: {} };
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

  @Get(':id/disable')
  @Render('staff/confirm')
  async confirmDisable(@UuidParam() id: string, @CurrentUser() user: Principal) {
    const person = await this.staff.get(id);
    return { ...staffPage(staffView(person, +this.clock.now(), user.personId), true), values: {} };
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
}

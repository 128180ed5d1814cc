import { Body, Controller, Get, Injectable, Post, Query, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { InputRefused } from '../../common/errors/app-error';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import { CurrentUser, FormView, OrgScope, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import type { AppRequest, Principal } from '../../common/http/principal';
import { pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { ROLE_LABELS } from '../../common/view/navigation';
import { InviteDto } from './dto/invite.dto';
import { MemberRoleDto } from './dto/member-role.dto';
import { PeopleImportDto } from './dto/people-import.dto';
import { InvitationsService, type Inviter } from './invitations.service';
import { OrgMembersService, type ActingAdmin } from './org-members.service';
import { PeopleImportService, reportView } from './people-import.service';
import { parsePeopleList, peopleListView, type PeopleListQuery } from './people-list';
import { PeopleService } from './people.service';
import { memberView } from './person.view';

const LIST = { label: 'People', href: '/org/users' };

/** The confirmation pages of the changes that take something away. */
const CONFIRMATIONS = {
  disable: {
    title: 'Disable account',
    button: 'Disable account',
    says: 'They will be signed out everywhere at once and cannot sign in until an admin enables the account again. Nothing of theirs is deleted.',
  },
  revoke: {
    title: 'Revoke invitation',
    button: 'Revoke invitation',
    says: 'The invitation link stops working and the invited person is removed from the list. You can invite them again later.',
  },
  remove: {
    title: 'Remove from the organization',
    button: 'Remove person',
    says: 'Their account is deleted: they are signed out everywhere and cannot sign in again. The audit log keeps what they did, under their email address. This cannot be undone; invite them again to bring them back.',
  },
} as const;
type Confirmation = keyof typeof CONFIRMATIONS;

const acting = (user: Principal, orgId: string): ActingAdmin => ({ personId: user.personId, orgId });
// An org admin invites admins and members of their organization: never above their own role, never staff.
const orgInviter = (user: Principal, orgId: string): Inviter => ({
  personId: user.personId,
  organizationId: orgId,
  grantable: ['admin', 'member'],
});

const INVITE_PAGE = {
  title: 'Invite a person',
  breadcrumbs: [LIST, { label: 'Invite a person' }],
};
const IMPORT_PAGE = {
  title: 'Import people from CSV',
  breadcrumbs: [LIST, { label: 'Import from CSV' }],
};

/**
 * What a refused form on a person's pages is shown again with: the person,
 * loaded here because validation runs before the handler.
 */
@Injectable()
export class MemberPageLocals extends FormPageLocals {
  constructor(
    private readonly members: OrgMembersService,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    const id = req.params.id;
    if (!form.view.startsWith('people/') || !req.user?.orgId || typeof id !== 'string') return undefined;
    // Another organization's person (or staff) is not found, before the input is even read.
    const person = await this.members.get(req.user.orgId, id);
    const kind = form.locals?.(req).confirmKind as Confirmation | undefined;
    return personPage(person.name, memberView(person, +this.clock.now(), req.user.personId), kind);
  }
}

function personPage(name: string, member: ReturnType<typeof memberView>, confirm?: Confirmation) {
  const page = confirm ? CONFIRMATIONS[confirm] : undefined;
  const self = { label: name, href: `/org/users/${member.id}` };
  return {
    title: page ? `${page.title}: ${name}` : name,
    breadcrumbs: page ? [LIST, self, { label: page.title }] : [LIST, { label: name }],
    member,
    confirm: page ? { ...page, action: `/org/users/${member.id}/${confirm}` } : undefined,
  };
}

/** An organization admin's view of their own organization's people, and the changes they make. */
@Controller('org/users')
@Roles('admin')
@UseInterceptors(MemberPageLocals)
export class OrgPeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly members: OrgMembersService,
    private readonly invitations: InvitationsService,
    private readonly imports: PeopleImportService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('people/index')
  async index(@OrgScope() orgId: string, @Query() query: PeopleListQuery) {
    const filter = parsePeopleList(query);
    const page = await this.people.listInOrg(orgId, filter, pageRequest(query, 2));
    return peopleListView(filter, page, this.clock.now().getTime());
  }

  @Get('invite')
  @Render('people/invite')
  invitePage() {
    return { ...INVITE_PAGE, values: { role: 'member' } };
  }

  @Post('invite')
  @FormView('people/invite', () => INVITE_PAGE)
  async invite(
    @OrgScope() orgId: string,
    @CurrentUser() user: Principal,
    @Body() body: InviteDto,
    @Res() res: Response,
  ) {
    const invited = await this.invitations.invite(orgInviter(user, orgId), body);
    setFlash(res, 'success', `An invitation is on its way to ${invited.email}. The link works for 7 days.`);
    return res.redirect(303, `/org/users/${invited.id}`);
  }

  @Get('import')
  @Render('people/import')
  importPage() {
    return { ...IMPORT_PAGE, values: {} };
  }

  // Step one checks the file and writes nothing; step two (the button the report offers) imports it.
  @Post('import')
  @FormView('people/import', () => IMPORT_PAGE)
  async importCsv(
    @OrgScope() orgId: string,
    @CurrentUser() user: Principal,
    @Body() body: PeopleImportDto,
    @Res() res: Response,
  ) {
    const by = orgInviter(user, orgId);
    const csv = body.csvFile || body.csv || '';
    if (csv.trim() === '') {
      throw new InputRefused({
        csv: 'Paste the CSV or choose a file: a header row (email, name, role), then one person a line.',
      });
    }
    if (body.step === 'import') {
      const id = await this.imports.start(by, csv);
      return res.redirect(303, `/org/users/import/${id}`);
    }
    const report = reportView(await this.imports.check(by, csv));
    return res.status(report.good ? 200 : 400).render('people/import', {
      ...IMPORT_PAGE,
      report,
      csv,
      values: {},
    });
  }

  @Get('import/:importId')
  @Render('people/import-status')
  importStatus(@OrgScope() orgId: string, @UuidParam('importId') id: string) {
    const progress = this.imports.progress(orgId, id);
    return {
      title: 'Importing people',
      breadcrumbs: [LIST, { label: 'Import from CSV', href: '/org/users/import' }, { label: 'Progress' }],
      progress,
      running: progress.state === 'running',
      // The page reloads itself while the import runs (a meta refresh: no script under the CSP).
      refreshSeconds: progress.state === 'running' ? 1 : undefined,
      done: progress.state === 'done',
      percent: progress.total > 0 ? Math.floor((progress.written / progress.total) * 100) : 100,
    };
  }

  @Get(':id')
  @Render('people/show')
  async show(@OrgScope() orgId: string, @UuidParam() id: string, @CurrentUser() user: Principal) {
    const person = await this.members.get(orgId, id);
    const invitation = person.status === 'invited' ? await this.invitations.ofPerson(person.id) : null;
    const now = +this.clock.now();
    return {
      ...personPage(person.name, memberView(person, now, user.personId)),
      invitation: invitation && { ...invitation, expired: invitation.expiresAt <= now },
      values: {},
    };
  }

  @Post(':id/resend')
  @FormView('people/show')
  async resend(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const invitation = await this.invitations.resend(orgId, id);
    setFlash(
      res,
      'success',
      `A new invitation is on its way to ${invitation.email}; the previous link no longer works.`,
    );
    return res.redirect(303, `/org/users/${id}`);
  }

  @Get(':id/revoke')
  @Render('people/confirm')
  async confirmRevoke(@OrgScope() orgId: string, @UuidParam() id: string, @CurrentUser() user: Principal) {
    return this.confirmation(orgId, id, user, 'revoke');
  }

  @Post(':id/revoke')
  @FormView('people/confirm', () => ({ confirmKind: 'revoke' }))
  async revoke(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const invitation = await this.invitations.revoke(orgId, id);
    setFlash(res, 'success', `The invitation to ${invitation.email} is revoked.`);
    return res.redirect(303, '/org/users');
  }

  @Post(':id/role')
  @FormView('people/show')
  async changeRole(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() body: MemberRoleDto,
    @Res() res: Response,
  ) {
    const person = await this.members.changeRole(acting(user, orgId), id, body.role);
    if (person.role !== body.role) setFlash(res, 'success', `${person.name} is now: ${ROLE_LABELS[body.role]}.`);
    // An admin who made themselves a member has left the admin pages.
    return res.redirect(303, person.id === user.personId && body.role === 'member' ? '/dashboard' : `/org/users/${id}`);
  }

  @Get(':id/disable')
  @Render('people/confirm')
  async confirmDisable(@OrgScope() orgId: string, @UuidParam() id: string, @CurrentUser() user: Principal) {
    return this.confirmation(orgId, id, user, 'disable');
  }

  @Post(':id/disable')
  @FormView('people/confirm', () => ({ confirmKind: 'disable' }))
  async disable(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const person = await this.members.disable(acting(user, orgId), id);
    setFlash(res, 'success', `${person.name}'s account is disabled and their sessions have ended.`);
    return res.redirect(303, `/org/users/${id}`);
  }

  @Post(':id/enable')
  @FormView('people/show')
  async enable(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const person = await this.members.enable(acting(user, orgId), id);
    setFlash(res, 'success', `${person.name} can sign in again.`);
    return res.redirect(303, `/org/users/${id}`);
  }

  @Get(':id/remove')
  @Render('people/confirm')
  async confirmRemove(@OrgScope() orgId: string, @UuidParam() id: string, @CurrentUser() user: Principal) {
    return this.confirmation(orgId, id, user, 'remove');
  }

  @Post(':id/remove')
  @FormView('people/confirm', () => ({ confirmKind: 'remove' }))
  async remove(
    @OrgScope() orgId: string,
    @UuidParam() id: string,
    @CurrentUser() user: Principal,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    const person = await this.members.remove(acting(user, orgId), id);
    setFlash(res, 'success', `${person.name} (${person.email}) was removed from the organization.`);
    return res.redirect(303, '/org/users');
  }

  private async confirmation(orgId: string, id: string, user: Principal, kind: Confirmation) {
    const person = await this.members.get(orgId, id);
    return { ...personPage(person.name, memberView(person, +this.clock.now(), user.personId), kind), values: {} };
  }
}

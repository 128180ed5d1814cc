import { Body, Controller, Get, Injectable, Post, Query, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, FormView, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { DevicesService } from '../devices/devices.service';
import { LicensesService } from '../licenses/licenses.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { PeopleService } from '../people/people.service';
import { Attachments, RefuseBadUpload, type AttachmentUpload } from './attachment-upload';
import { ALLOWED_EXTENSIONS } from './attachment-types';
import { AssignDto, ImpactDto, StaffReplyDto, TicketStatusDto } from './dto/ticket.dto';
import { CannedRepliesService } from './canned-replies.service';
import { SupportGlance } from './glance';
import { SlaService } from './sla.service';
import { SupportService } from './support.service';
import { levelChoices, messageView, STATUS_LABELS, statusChoices, ticketView } from './support.view';
import { attachmentsByMessage, TicketAttachments } from './ticket-attachments';
import { QueueViews } from './queue-views';
import { queuePageView } from './queue-page';
import { parseQueue, type QueueQuery } from './queue-query';

const QUEUE = { label: 'Support queue', href: '/admin/support' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How many staff members and organizations the queue's selects offer. */
const CHOICES = 200;

/** The agent's ticket page, also around a refused form. */
@Injectable()
export class AdminSupportPages {
  constructor(
    private readonly support: SupportService,
    private readonly people: PeopleService,
    private readonly organizations: OrganizationsService,
    private readonly licenses: LicensesService,
    private readonly devices: DevicesService,
    private readonly sla: SlaService,
    private readonly glance: SupportGlance,
    private readonly canned: CannedRepliesService,
    private readonly attachments: TicketAttachments,
  ) {}

  staff() {
    return this.people.listStaff(undefined, { after: null, before: null, limit: CHOICES });
  }

  async showPage(user: Principal, id: string) {
    const { ticket, messages } = await this.support.staffTicket(id);
    const [requester, orgName, staff, glance, cannedReplies] = await Promise.all([
      this.people.findById(ticket.requesterId),
      this.organizations.nameOf(ticket.organizationId),
      this.staff(),
      this.glance.of(user, ticket),
      this.canned.list(),
    ]);
    const [license, device] = await Promise.all([
      ticket.licenseId
        ? this.licenses.get(ticket.organizationId, ticket.licenseId).catch(() => null)
        : Promise.resolve(null),
      ticket.deviceId
        ? this.devices.get({ organizationId: ticket.organizationId }, ticket.deviceId).catch(() => null)
        : Promise.resolve(null),
    ]);
    const assignee = staff.rows.find((s) => s.id === ticket.assigneeId);
    const files = attachmentsByMessage(await this.attachments.ofTicket(ticket.id, true), `/admin/support/${ticket.id}`);
    return {
      title: ticket.subject,
      breadcrumbs: [QUEUE, { label: ticket.subject }],
      ticket: ticketView(ticket, false),
      sla: this.sla.of(ticket),
      glance,
      cannedChoices: cannedReplies.map((c) => ({ value: c.id, label: c.title, body: c.body })),
      requester: requester ? { name: requester.name, email: requester.email } : null,
      orgName,
      affected: license
        ? `License: ${license.product.name} …${license.keyHint}`
        : device
          ? `Device: ${device.name}`
          : null,
      assigneeName: assignee?.name ?? null,
      isMine: ticket.assigneeId === user.personId,
      myId: user.personId,
      messages: messages.map((m) => ({ ...messageView(m), attachments: files.get(m.id) ?? [] })),
      attachmentTypes: ALLOWED_EXTENSIONS,
      open: ticket.status !== 'closed',
      staffChoices: staff.rows
        .filter((s) => s.status === 'active')
        .map((s) => ({ value: s.id, label: `${s.name} (${s.role})`, selected: s.id === ticket.assigneeId })),
      statusChoices: statusChoices(ticket.status).filter((c) => c.value !== 'new'),
      impactChoices: levelChoices(ticket.impact),
    };
  }
}

@Injectable()
export class AdminSupportPageLocals extends FormPageLocals {
  constructor(private readonly pages: AdminSupportPages) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    const id = req.params.id;
    if (form.view === 'support/admin-show' && req.user && typeof id === 'string') {
      return this.pages.showPage(req.user, id);
    }
    return undefined;
  }
}

/** The helpdesk queue: every organization's tickets, for helpdesk staff and operators. */
@Controller('admin/support')
@Roles('helpdesk', 'operator')
@UseInterceptors(AdminSupportPageLocals)
export class AdminSupportController {
  constructor(
    private readonly support: SupportService,
    private readonly pages: AdminSupportPages,
    private readonly organizations: OrganizationsService,
    private readonly people: PeopleService,
    private readonly sla: SlaService,
    private readonly canned: CannedRepliesService,
    private readonly attachments: TicketAttachments,
    private readonly views: QueueViews,
  ) {}

  @Get()
  @Render('support/admin-index')
  async index(@CurrentUser() user: Principal, @Query() query: QueueQuery) {
    const { filter, kept } = parseQueue(query, user);
    const [page, orgs, staff, queueViews] = await Promise.all([
      this.support.queue(filter, pageRequest(query, 2)),
      this.organizations.list({ after: null, before: null, limit: CHOICES }),
      this.pages.staff(),
      this.views.of(user, kept, query),
    ]);
    const orgNames = await this.organizations.namesOf([...new Set(page.rows.map((r) => r.organizationId))]);
    return queuePageView({
      personId: user.personId,
      kept,
      page,
      organizations: orgs.rows,
      staff: staff.rows,
      orgNames,
      due: (row) => this.sla.of(row).next,
      queueViews,
    });
  }

  @Get(':id')
  @Render('support/admin-show')
  async show(@CurrentUser() user: Principal, @UuidParam() id: string, @Query('canned') canned: unknown) {
    const page = await this.pages.showPage(user, id);
    // Without JavaScript, "Insert canned reply" is a GET that pre-fills the reply's textarea.
    const reply = typeof canned === 'string' && UUID.test(canned) ? await this.canned.find(canned) : undefined;
    return reply ? { ...page, values: { body: reply.body } } : page;
  }

  // After @FormView's own interceptor (below), so the refusal comes back on the form.
  @UseInterceptors(RefuseBadUpload)
  @Post(':id/reply')
  @FormView('support/admin-show')
  async reply(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @Body() body: StaffReplyDto,
    @Attachments() upload: AttachmentUpload,
    @Res() res: Response,
  ) {
    const internal = body.kind === 'note';
    const files = await this.attachments.check(upload);
    await this.support.staffReply(user, id, body.body, internal, files);
    setFlash(res, 'success', internal ? 'Your internal note was added.' : 'Your reply was sent to the customer.');
    return res.redirect(303, `/admin/support/${id}`);
  }

  @Post(':id/assign')
  @FormView('support/admin-show')
  async assign(@CurrentUser() user: Principal, @UuidParam() id: string, @Body() body: AssignDto, @Res() res: Response) {
    await this.support.assign(id, body.assigneeId ?? null);
    setFlash(
      res,
      'success',
      body.assigneeId === user.personId
        ? 'The ticket is assigned to you.'
        : body.assigneeId
          ? 'The ticket was assigned.'
          : 'The ticket is unassigned.',
    );
    return res.redirect(303, `/admin/support/${id}`);
  }

  @Post(':id/status')
  @FormView('support/admin-show')
  async status(@UuidParam() id: string, @Body() body: TicketStatusDto, @Res() res: Response) {
    await this.support.setStatus(id, body.status);
    setFlash(res, 'success', `The ticket is ${STATUS_LABELS[body.status].toLowerCase()} now.`);
    return res.redirect(303, `/admin/support/${id}`);
  }

  @Post(':id/impact')
  @FormView('support/admin-show')
  async impact(@UuidParam() id: string, @Body() body: ImpactDto, @Res() res: Response) {
    const ticket = await this.support.setImpact(id, body.impact);
    setFlash(res, 'success', `Impact saved: the ticket’s priority is P${ticket.priority}.`);
    return res.redirect(303, `/admin/support/${id}`);
  }
}

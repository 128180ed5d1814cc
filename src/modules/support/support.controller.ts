import { Body, Controller, Get, Injectable, Post, Query, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { CurrentUser, FormView, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { datedCsvFilename, streamCsv } from '../../common/csv';
import { setFlash } from '../../common/view/flash';
import { DevicesService } from '../devices/devices.service';
import { licenseView } from '../licenses/license.view';
import { LicensesService } from '../licenses/licenses.service';
import { PeopleService } from '../people/people.service';
import { Attachments, RefuseBadUpload, type AttachmentUpload } from './attachment-upload';
import { ALLOWED_EXTENSIONS } from './attachment-types';
import { NewTicketDto, TicketReplyDto } from './dto/ticket.dto';
import { REOPEN_WITHIN, SupportService } from './support.service';
import { categoryChoices, levelChoices, messageView, ticketView } from './support.view';
import { attachmentsByMessage, TicketAttachments } from './ticket-attachments';
import { conversationFilename, conversationText, TICKET_CSV } from './ticket-export';
import type { TicketRow } from './tickets.repository';

const LIST = { label: 'Support', href: '/support' };

/** The customers' support pages: the new-ticket form and a ticket's page, also around a refused form. */
@Injectable()
export class SupportPages {
  constructor(
    private readonly support: SupportService,
    private readonly licenses: LicensesService,
    private readonly devices: DevicesService,
    private readonly people: PeopleService,
    private readonly clock: Clock,
    private readonly attachments: TicketAttachments,
  ) {}

  /** The affected device or license to choose from: the organization's licenses, the person's devices (admins: all). */
  async newPage(user: Principal, values: Record<string, unknown> = {}) {
    const orgId = user.orgId!;
    const now = +this.clock.now();
    const [licenses, devices] = await Promise.all([
      this.licenses.allOf(orgId),
      this.devices.list(
        { organizationId: orgId, ...(user.role === 'member' ? { ownerId: user.personId } : {}) },
        {},
        { after: null, before: null, limit: 200 },
      ),
    ]);
    const affected = values.affected;
    return {
      title: 'New ticket',
      breadcrumbs: [LIST, { label: 'New ticket' }],
      attachmentTypes: ALLOWED_EXTENSIONS,
      categoryChoices: categoryChoices(values.category),
      urgencyChoices: levelChoices(values.urgency ?? 'normal'),
      licenseChoices: licenses.map((l) => {
        const view = licenseView(l, now);
        return {
          value: `license:${l.id}`,
          label: `${view.productName} …${view.keyHint}`,
          selected: affected === `license:${l.id}`,
        };
      }),
      deviceChoices: devices.rows.map((d) => ({
        value: `device:${d.id}`,
        label: d.name,
        selected: affected === `device:${d.id}`,
      })),
    };
  }

  async showPage(user: Principal, id: string) {
    const { ticket, messages } = await this.support.customerTicket(user, id);
    const now = +this.clock.now();
    const resolved = ticket.status === 'solved' || ticket.status === 'closed';
    const requester = (await this.people.namesIn(ticket.organizationId, [ticket.requesterId])).get(ticket.requesterId);
    const files = attachmentsByMessage(await this.attachments.ofTicket(ticket.id, false), `/support/${ticket.id}`);
    return {
      title: ticket.subject,
      breadcrumbs: [LIST, { label: ticket.subject }],
      ticket: ticketView(ticket, true),
      requester,
      messages: messages.map((m) => ({ ...messageView(m), attachments: files.get(m.id) ?? [] })),
      attachmentTypes: ALLOWED_EXTENSIONS,
      canReply: !resolved,
      canClose: ticket.status !== 'closed',
      // A merged duplicate is not reopened: its conversation continues in the ticket it was merged into.
      canReopen:
        !ticket.mergedInto && resolved && ticket.resolvedAt !== null && ticket.resolvedAt >= now - REOPEN_WITHIN,
      reopenExpired:
        !ticket.mergedInto && resolved && !(ticket.resolvedAt !== null && ticket.resolvedAt >= now - REOPEN_WITHIN),
    };
  }
}

@Injectable()
export class SupportPageLocals extends FormPageLocals {
  constructor(private readonly pages: SupportPages) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    if (!req.user?.orgId) return undefined;
    if (form.view === 'support/new') return this.pages.newPage(req.user, (req.body ?? {}) as Record<string, unknown>);
    const id = req.params.id;
    if (form.view === 'support/show' && typeof id === 'string') return this.pages.showPage(req.user, id);
    return undefined;
  }
}

/** Members follow their own tickets; org admins every ticket of the organization. */
@Controller('support')
@Roles('admin', 'member')
@UseInterceptors(SupportPageLocals)
export class SupportController {
  constructor(
    private readonly support: SupportService,
    private readonly pages: SupportPages,
    private readonly people: PeopleService,
    private readonly attachments: TicketAttachments,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('support/index')
  async index(@CurrentUser() user: Principal, @Query() query: { after?: string; before?: string }) {
    const page = await this.support.customerList(user, pageRequest(query, 2));
    const names =
      user.role === 'admin'
        ? await this.people.namesIn(
            user.orgId!,
            page.rows.map((r) => r.requesterId),
          )
        : new Map<string, { name: string }>();
    return {
      title: 'Support',
      breadcrumbs: [{ label: 'Support' }],
      isAdmin: user.role === 'admin',
      csvHref: '/support/tickets.csv',
      rows: page.rows.map((row) => ({ ...ticketView(row, true), requesterName: names.get(row.requesterId)?.name })),
      ...pageLinks('/support', {}, page),
    };
  }

  @Get('new')
  @Render('support/new')
  async new(@CurrentUser() user: Principal) {
    return { ...(await this.pages.newPage(user)), values: {} };
  }

  // After @FormView's own interceptor (below), so the refusal comes back on the form.
  @UseInterceptors(RefuseBadUpload)
  @Post('new')
  @FormView('support/new')
  async create(
    @CurrentUser() user: Principal,
    @Body() body: NewTicketDto,
    @Attachments() upload: AttachmentUpload,
    @Res() res: Response,
  ) {
    const files = await this.attachments.check(upload);
    const [kind, id] = body.affected?.split(':') ?? [];
    const ticket = await this.support.create(
      user,
      {
        subject: body.subject,
        description: body.description,
        category: body.category,
        urgency: body.urgency ?? 'normal',
        ...(kind === 'device' ? { deviceId: id } : {}),
        ...(kind === 'license' ? { licenseId: id } : {}),
      },
      files,
    );
    setFlash(res, 'success', 'Your ticket was sent. We answer here and by email.');
    return res.redirect(303, `/support/${ticket.id}`);
  }

  @Get('tickets.csv')
  async csv(@CurrentUser() user: Principal, @Res() res: Response) {
    const orgId = user.orgId!;
    const people = this.people;
    async function* named(batches: AsyncIterable<TicketRow[]>) {
      for await (const rows of batches) {
        const names = await people.namesIn(
          orgId,
          rows.map((r) => r.requesterId),
        );
        yield rows.map((row) => ({ ...row, requesterName: names.get(row.requesterId)?.name }));
      }
    }
    await streamCsv(
      res,
      datedCsvFilename('tickets', this.clock.now()),
      TICKET_CSV,
      named(this.support.customerAll(user)),
    );
  }

  @Get(':id/conversation.txt')
  async conversation(@CurrentUser() user: Principal, @UuidParam() id: string, @Res() res: Response) {
    const { ticket, messages } = await this.support.customerTicket(user, id);
    const [requester, files] = await Promise.all([
      this.people.namesIn(ticket.organizationId, [ticket.requesterId]),
      this.attachments.ofTicket(ticket.id, false),
    ]);
    const text = conversationText(ticket, requester.get(ticket.requesterId)?.name ?? '', messages, files);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${conversationFilename(ticket)}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(text);
  }

  @Get(':id')
  @Render('support/show')
  show(@CurrentUser() user: Principal, @UuidParam() id: string) {
    return this.pages.showPage(user, id);
  }

  // After @FormView's own interceptor (below), so the refusal comes back on the form.
  @UseInterceptors(RefuseBadUpload)
  @Post(':id/reply')
  @FormView('support/show')
  async reply(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @Body() body: TicketReplyDto,
    @Attachments() upload: AttachmentUpload,
    @Res() res: Response,
  ) {
    const files = await this.attachments.check(upload);
    await this.support.customerReply(user, id, body.body, files);
    setFlash(res, 'success', 'Your reply was sent.');
    return res.redirect(303, `/support/${id}`);
  }

  @Post(':id/close')
  @FormView('support/show')
  async close(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    await this.support.customerClose(user, id);
    setFlash(res, 'success', 'The ticket is closed. You can reopen it within 14 days.');
    return res.redirect(303, `/support/${id}`);
  }

  @Post(':id/reopen')
  @FormView('support/show')
  async reopen(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @Body() _body: ConfirmFormDto,
    @Res() res: Response,
  ) {
    await this.support.reopen(user, id);
    setFlash(res, 'success', 'The ticket is open again.');
    return res.redirect(303, `/support/${id}`);
  }
}

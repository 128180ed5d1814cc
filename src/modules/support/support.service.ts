import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Conflict, FORM_LEVEL, InputRefused, NotFound } from '../../common/errors/app-error';
import type { Principal } from '../../common/http/principal';
import { allPages, toPage, type Page, type PageRequest } from '../../common/pagination';
import { AuditService } from '../../platform/audit/audit.service';
import { MailService, type MailItem } from '../../platform/mail/mail.service';
import { DevicesService } from '../devices/devices.service';
import { LicensesService } from '../licenses/licenses.service';
import { PeopleService } from '../people/people.service';
import { newTicketRow } from './new-ticket';
import { priorityOf } from './priority';
import { SlaService } from './sla.service';
import { TicketAttachments, type CheckedAttachment } from './ticket-attachments';
import {
  queueKey,
  TicketsRepository,
  type Category,
  type QueueView,
  type Level,
  type PauseRead,
  type TicketListFilter,
  type TicketMessageRow,
  type TicketRow,
  type TicketStatus,
} from './tickets.repository';

const DAY = 86_400_000;
/** A solved ticket closes by itself after this long (the `support.auto-close` job). */
export const AUTO_CLOSE_AFTER = 7 * DAY;
/** A pending ticket's customer is nudged once after this long (the `support.pending-reminder` job). */
export const PENDING_REMINDER_AFTER = 3 * DAY;
/** How long after being solved or closed the customer may reopen a ticket. */
export const REOPEN_WITHIN = 14 * DAY;
const BATCH = 200;

/** Where the agent may move a ticket to, and from which statuses. */
export const STAFF_MOVES: Record<Exclude<TicketStatus, 'new'>, readonly TicketStatus[]> = {
  open: ['new', 'pending', 'solved'],
  pending: ['new', 'open'],
  solved: ['new', 'open', 'pending'],
  closed: ['new', 'open', 'pending', 'solved'],
};

/** An assignee checked by `SupportService.assignee`: a staff member's id (null for nobody) and the audit's label. */
export interface Assignee {
  id: string | null;
  label: string;
}

export interface NewTicket {
  subject: string;
  description: string;
  category: Category;
  urgency: Level;
  deviceId?: string;
  licenseId?: string;
}

const target = (ticket: Pick<TicketRow, 'id' | 'subject'>) => ({
  type: 'ticket',
  id: ticket.id,
  label: ticket.subject,
});
const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });

/**
 * Support tickets: members and org admins open them and follow the
 * conversation; the helpdesk and operators work the queue (replies, internal
 * notes, assignment, status, impact). Internal notes are read only by
 * `staffTicket`: no customer-facing method, list or mail ever selects them.
 * Each use case is one transaction with its audit entry and its mail.
 */
@Injectable()
export class SupportService {
  constructor(
    private readonly em: EntityManager,
    private readonly tickets: TicketsRepository,
    private readonly people: PeopleService,
    private readonly licenses: LicensesService,
    private readonly devices: DevicesService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly clock: Clock,
    private readonly attachments: TicketAttachments,
    private readonly sla: SlaService,
  ) {}

  /** The ticket's SLA pause as read, with its business seconds up to `now` (added when it leaves pending). */
  pauseOf(ticket: Pick<TicketRow, 'slaPausedAt'>, now: number): PauseRead {
    const since = ticket.slaPausedAt;
    return { since, seconds: since === null ? 0 : this.sla.businessSeconds(since, now) };
  }

  /** Runs a message's transaction; files it moved into place are removed again if it fails. */
  private async withFiles<T>(work: (moved: string[]) => Promise<T>): Promise<T> {
    const moved: string[] = [];
    try {
      return await this.em.transactional(() => work(moved));
    } catch (err: unknown) {
      await this.attachments.undo(moved);
      throw err;
    }
  }

  /** The customer's scope: members their own tickets, admins the organization's. */
  private customerFilter(user: Principal): TicketListFilter {
    return {
      organizationId: user.orgId!,
      ...(user.role === 'member' ? { requesterId: user.personId } : {}),
    };
  }

  async customerList(user: Principal, request: PageRequest): Promise<Page<TicketRow>> {
    return toPage(await this.tickets.list(this.customerFilter(user), request), request, keyOf);
  }

  /** Every ticket in the customer's scope, in batches, for their CSV. */
  customerAll(user: Principal): AsyncGenerator<TicketRow[]> {
    const filter = this.customerFilter(user);
    return allPages((request) => this.tickets.list(filter, request), keyOf);
  }

  async queue(filter: TicketListFilter, request: PageRequest): Promise<Page<TicketRow>> {
    return toPage(await this.tickets.list(filter, request), request, queueKey(filter.view));
  }

  /** How many tickets each of the queue's views holds for `personId` (bounded counts). */
  viewCounts(personId: string): Promise<Record<QueueView, number>> {
    return this.tickets.viewCounts(personId);
  }

  /** A ticket as its customer sees it: never another organization's, never a member's colleague's; no notes. */
  async customerTicket(user: Principal, id: string): Promise<{ ticket: TicketRow; messages: TicketMessageRow[] }> {
    const ticket = await this.customerOwn(user, id);
    return { ticket, messages: await this.tickets.messages(id, false) };
  }

  /** The whole conversation, internal notes included: helpdesk and operators only. */
  async staffTicket(id: string): Promise<{ ticket: TicketRow; messages: TicketMessageRow[] }> {
    const ticket = await this.found(id);
    return { ticket, messages: await this.tickets.messages(id, true) };
  }

  async create(user: Principal, input: NewTicket, files: CheckedAttachment[] = []): Promise<TicketRow> {
    const orgId = user.orgId!;
    if (input.licenseId) {
      const licenses = await this.licenses.allOf(orgId);
      if (!licenses.some((l) => l.id === input.licenseId)) {
        throw new InputRefused({ affected: 'Choose one of your organization’s licenses.' });
      }
    }
    if (input.deviceId) {
      try {
        await this.devices.get(
          { organizationId: orgId, ...(user.role === 'member' ? { ownerId: user.personId } : {}) },
          input.deviceId,
        );
      } catch (err: unknown) {
        if (err instanceof NotFound) throw new InputRefused({ affected: 'Choose one of your devices.' });
        throw err;
      }
    }
    const now = +this.clock.now();
    const ticket = newTicketRow(
      {
        organizationId: orgId,
        requesterId: user.personId,
        subject: input.subject,
        category: input.category,
        urgency: input.urgency,
        status: 'new',
        deviceId: input.deviceId ?? null,
        licenseId: input.licenseId ?? null,
      },
      now,
    );
    await this.withFiles(async (moved) => {
      await this.tickets.insert(ticket);
      const messageId = await this.tickets.addMessage({
        ticketId: ticket.id,
        authorId: user.personId,
        authorName: user.name,
        fromStaff: false,
        internal: false,
        body: input.description,
        createdAt: now,
      });
      await this.audit.record({
        action: 'ticket.created',
        target: target(ticket),
        organizationId: orgId,
        details: { category: ticket.category, urgency: ticket.urgency },
      });
      await this.attachments.store(ticket, messageId, files, orgId, now, moved);
    });
    return ticket;
  }

  /** The customer's reply: a pending ticket is open again; its assignee (if any) is told. */
  async customerReply(user: Principal, id: string, body: string, files: CheckedAttachment[] = []): Promise<TicketRow> {
    const current = await this.customerOwn(user, id);
    if (current.status === 'solved' || current.status === 'closed') {
      throw refused('This ticket is solved or closed: reopen it to reply.');
    }
    const now = +this.clock.now();
    return this.withFiles(async (moved) => {
      const ticket =
        current.status === 'pending'
          ? ((await this.tickets.setStatus(id, ['pending'], 'open', now, this.pauseOf(current, now))) ?? current)
          : current;
      await this.tickets.touch(id, now);
      const messageId = await this.tickets.addMessage({
        ticketId: id,
        authorId: user.personId,
        authorName: user.name,
        fromStaff: false,
        internal: false,
        body,
        createdAt: now,
      });
      await this.audit.record({
        action: 'ticket.replied',
        target: target(ticket),
        organizationId: ticket.organizationId,
      });
      await this.attachments.store(ticket, messageId, files, ticket.organizationId, now, moved);
      if (ticket.assigneeId) {
        const assignee = await this.people.findById(ticket.assigneeId);
        if (assignee && assignee.status === 'active') {
          await this.mail.enqueue('support-customer-reply', assignee.email, {
            name: assignee.name,
            customerName: user.name,
            subject: ticket.subject,
            body,
            ticketId: id,
          });
        }
      }
      return ticket;
    });
  }

  async customerClose(user: Principal, id: string): Promise<TicketRow> {
    const current = await this.customerOwn(user, id);
    const now = +this.clock.now();
    return this.em.transactional(async () => {
      const ticket = await this.tickets.setStatus(
        id,
        ['new', 'open', 'pending', 'solved'],
        'closed',
        now,
        this.pauseOf(current, now),
      );
      if (!ticket) throw refused('This ticket is closed already.');
      await this.audit.record({
        action: 'ticket.closed',
        target: target(ticket),
        organizationId: ticket.organizationId,
      });
      return ticket;
    });
  }

  /** Reopens a solved or closed ticket within 14 days of its being solved (or closed). */
  async reopen(user: Principal, id: string): Promise<TicketRow> {
    const current = await this.customerOwn(user, id);
    const now = +this.clock.now();
    return this.em.transactional(async () => {
      const ticket = await this.tickets.reopen(id, now - REOPEN_WITHIN, now);
      if (!ticket) {
        throw refused(
          current.mergedInto
            ? 'This ticket was merged into another: follow the link to reply there.'
            : current.status === 'solved' || current.status === 'closed'
              ? 'This ticket was solved more than 14 days ago and can no longer be reopened: open a new ticket.'
              : 'This ticket is open already.',
        );
      }
      await this.audit.record({
        action: 'ticket.reopened',
        target: target(ticket),
        organizationId: ticket.organizationId,
      });
      return ticket;
    });
  }

  /** An agent's public reply (mailed to the customer) or internal note (shown to staff only, never mailed). */
  async staffReply(
    user: Principal,
    id: string,
    body: string,
    internal: boolean,
    files: CheckedAttachment[] = [],
  ): Promise<TicketRow> {
    const current = await this.found(id);
    if (current.status === 'closed') throw refused('This ticket is closed.');
    const now = +this.clock.now();
    return this.withFiles((moved) => this.messageIn(user, current, body, internal, now, files, moved));
  }

  /**
   * The reply or note, inside the caller's transaction (`current` is not
   * closed): a public reply opens a new ticket and is mailed to the customer.
   * Also each ticket's note of a bulk update.
   */
  async messageIn(
    user: Principal,
    current: TicketRow,
    body: string,
    internal: boolean,
    now: number,
    files: CheckedAttachment[] = [],
    moved: string[] = [],
  ): Promise<TicketRow> {
    const id = current.id;
    const ticket =
      !internal && current.status === 'new'
        ? ((await this.tickets.setStatus(id, ['new'], 'open', now, this.pauseOf(current, now))) ?? current)
        : current;
    await this.tickets.touch(id, now);
    if (!internal) await this.tickets.markFirstResponse(id, now);
    const messageId = await this.tickets.addMessage({
      ticketId: id,
      authorId: user.personId,
      authorName: user.name,
      fromStaff: true,
      internal,
      body,
      createdAt: now,
    });
    await this.audit.record({
      action: internal ? 'ticket.note_added' : 'ticket.replied',
      target: target(ticket),
      // A note stays internal: it is not filed under the organization, whose admins read its audit.
      organizationId: internal ? null : ticket.organizationId,
    });
    await this.attachments.store(ticket, messageId, files, internal ? null : ticket.organizationId, now, moved);
    if (!internal) {
      await this.mailRequester(ticket, 'support-reply', { body, agentName: user.name });
    }
    return ticket;
  }

  /** Assigns a ticket to a staff member (helpdesk or operator), or to nobody. */
  async assign(id: string, assigneeId: string | null): Promise<TicketRow> {
    await this.found(id);
    const assignee = await this.assignee(assigneeId);
    const now = +this.clock.now();
    return this.em.transactional(async () => {
      const ticket = await this.assignIn(id, assignee, now);
      if (!ticket) throw refused('This ticket is closed.');
      return ticket;
    });
  }

  /** Who a ticket may be assigned to: an active staff member (by id), or nobody (null). */
  async assignee(assigneeId: string | null): Promise<Assignee> {
    if (!assigneeId) return { id: null, label: 'nobody' };
    const staff = await this.people.getStaff(assigneeId).catch((err: unknown) => {
      if (err instanceof NotFound) throw new InputRefused({ assigneeId: 'Choose a member of the staff.' });
      throw err;
    });
    if (staff.status !== 'active') throw new InputRefused({ assigneeId: 'Choose an active member of the staff.' });
    return { id: staff.id, label: staff.email };
  }

  /** The assignment, inside the caller's transaction; undefined when the ticket is closed. */
  async assignIn(id: string, assignee: Assignee, now: number): Promise<TicketRow | undefined> {
    const ticket = await this.tickets.assign(id, assignee.id, now);
    if (!ticket) return undefined;
    await this.audit.record({
      action: 'ticket.assigned',
      target: target(ticket),
      organizationId: ticket.organizationId,
      details: { assignee: assignee.label },
    });
    return ticket;
  }

  /** Moves a ticket along new → open → pending → solved → closed; the customer hears of solved and closed. */
  async setStatus(id: string, to: Exclude<TicketStatus, 'new'>): Promise<TicketRow> {
    const current = await this.found(id);
    const now = +this.clock.now();
    return this.em.transactional(async () => {
      const ticket = await this.moveIn(current, to, now);
      if (!ticket) throw refused(`A ticket that is ${current.status} cannot become ${to}.`);
      return ticket;
    });
  }

  /** The status change, inside the caller's transaction; undefined when `current`'s status does not allow it. */
  async moveIn(current: TicketRow, to: Exclude<TicketStatus, 'new'>, now: number): Promise<TicketRow | undefined> {
    const ticket = await this.tickets.setStatus(current.id, STAFF_MOVES[to], to, now, this.pauseOf(current, now));
    if (!ticket) return undefined;
    await this.audit.record({
      action: 'ticket.status_changed',
      target: target(ticket),
      organizationId: ticket.organizationId,
      details: { from: current.status, to },
    });
    if (to === 'solved' || to === 'closed') await this.mailRequester(ticket, 'support-status', { status: to });
    return ticket;
  }

  /** The agent's judgement of impact; the priority is computed from it and the customer's urgency. */
  async setImpact(id: string, impact: Level): Promise<TicketRow> {
    const current = await this.found(id);
    return this.em.transactional(() => this.impactIn(current, impact));
  }

  /** The impact (and so the priority), inside the caller's transaction. */
  async impactIn(current: TicketRow, impact: Level): Promise<TicketRow> {
    const ticket = (await this.tickets.setImpact(current.id, impact, priorityOf(current.urgency, impact)))!;
    await this.audit.record({
      action: 'ticket.priority_changed',
      target: target(ticket),
      organizationId: ticket.organizationId,
      details: { impact, priority: `P${ticket.priority}` },
    });
    return ticket;
  }

  /** The `support.auto-close` job: tickets solved for 7 days are closed (and their customers told). */
  async autoClose(): Promise<{ closed: number }> {
    let closed = 0;
    for (;;) {
      const now = +this.clock.now();
      const due = await this.tickets.solvedBefore(now - AUTO_CLOSE_AFTER, BATCH);
      if (due.length === 0) return { closed };
      for (const row of due) {
        await this.em.transactional(async () => {
          const ticket = await this.tickets.setStatus(row.id, ['solved'], 'closed', now, this.pauseOf(row, now));
          if (!ticket) return;
          await this.audit.record({
            action: 'ticket.closed',
            target: target(ticket),
            organizationId: ticket.organizationId,
            details: { automatic: true },
          });
          await this.mailRequester(ticket, 'support-status', { status: 'closed', automatic: true });
          closed++;
        });
      }
      if (due.length < BATCH) return { closed };
    }
  }

  /** The `support.pending-reminder` job: one nudge per pending period after 3 days waiting on the customer. */
  async remindPending(): Promise<{ reminded: number }> {
    let reminded = 0;
    for (;;) {
      const now = +this.clock.now();
      const sent = await this.em.transactional(async () => {
        const rows = await this.tickets.markPendingReminded(now - PENDING_REMINDER_AFTER, now, BATCH);
        const items: MailItem[] = [];
        for (const ticket of rows) {
          const requester = await this.people.findById(ticket.requesterId);
          if (!requester || requester.status !== 'active') continue;
          items.push({
            template: 'support-pending-reminder',
            to: requester.email,
            data: { name: requester.name, subject: ticket.subject, ticketId: ticket.id },
          });
        }
        await this.mail.enqueueMany(items);
        return rows.length;
      });
      reminded += sent;
      if (sent < BATCH) return { reminded };
    }
  }

  private async mailRequester(ticket: TicketRow, template: string, data: Record<string, unknown>): Promise<void> {
    const requester = await this.people.findById(ticket.requesterId);
    if (!requester || requester.status !== 'active') return;
    await this.mail.enqueue(template, requester.email, {
      name: requester.name,
      subject: ticket.subject,
      ticketId: ticket.id,
      ...data,
    });
  }

  private async found(id: string): Promise<TicketRow> {
    const ticket = await this.tickets.byId(id);
    if (!ticket) throw new NotFound('Ticket not found.');
    return ticket;
  }

  private async customerOwn(user: Principal, id: string): Promise<TicketRow> {
    const ticket = await this.tickets.byId(id);
    if (!ticket || ticket.organizationId !== user.orgId) throw new NotFound('Ticket not found.');
    // A member sees their own tickets, and those their own merged duplicates continue in.
    if (
      user.role === 'member' &&
      ticket.requesterId !== user.personId &&
      !(await this.tickets.followsMerged(id, user.personId))
    ) {
      throw new NotFound('Ticket not found.');
    }
    return ticket;
  }
}

const keyOf = (row: TicketRow) => [row.lastActivityAt, row.id];

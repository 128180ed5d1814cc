import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { InputRefused } from '../../common/errors/app-error';
import { AuditService } from '../../platform/audit/audit.service';
import { SupportTickets, type ChatTranscript } from '../../platform/plugin-host/support-tickets';
import { newTicketRow } from './new-ticket';
import { TicketsRepository } from './tickets.repository';

const SUBJECT_MAX = 150;

/**
 * Tickets that start outside the ticket forms: a live chat's transcript,
 * saved when the chat ends (the `SupportTickets` port plugins use). One
 * transaction — the caller's, when it has one — holds the ticket, its
 * messages and the `ticket.created` entry.
 */
// A ticket from a chat never waited on its customer.
const NOT_PAUSED = { since: null, seconds: 0 };

@Injectable()
export class TicketIntake extends SupportTickets {
  constructor(
    private readonly em: EntityManager,
    private readonly tickets: TicketsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async openFromChat(input: ChatTranscript): Promise<{ id: string }> {
    if (input.transcript.length === 0) throw new InputRefused('A chat transcript needs at least one message.');
    const now = +this.clock.now();
    const subject = input.subject.trim().slice(0, SUBJECT_MAX) || 'Live chat';
    const firstStaff = input.transcript.find((m) => m.fromStaff);
    const status = input.resolved ? 'solved' : 'open';
    const ticket = newTicketRow(
      {
        organizationId: input.organizationId,
        requesterId: input.requesterId,
        subject,
        category: 'other',
        urgency: 'normal',
        status,
        assigneeId: input.agentId ?? null,
        createdAt: +input.transcript[0].at,
      },
      now,
    );
    await this.em.transactional(async () => {
      await this.tickets.insert(ticket);
      for (const message of input.transcript) {
        await this.tickets.addMessage({
          ticketId: ticket.id,
          authorId: message.authorId ?? null,
          authorName: message.authorName,
          fromStaff: message.fromStaff,
          internal: false,
          body: message.body,
          createdAt: +message.at,
        });
      }
      if (firstStaff) await this.tickets.markFirstResponse(ticket.id, +firstStaff.at);
      // Solved from the start: the resolution time is the chat's end (the auto-close counts from it).
      if (status === 'solved') await this.tickets.setStatus(ticket.id, ['solved'], 'solved', now, NOT_PAUSED);
      await this.audit.record({
        action: 'ticket.created',
        target: { type: 'ticket', id: ticket.id, label: ticket.subject },
        organizationId: ticket.organizationId,
        details: { source: 'chat', category: ticket.category, urgency: ticket.urgency },
      });
    });
    return { id: ticket.id };
  }
}

import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound } from '../../common/errors/app-error';
import type { Principal } from '../../common/http/principal';
import { AuditService } from '../../platform/audit/audit.service';
import { MailService } from '../../platform/mail/mail.service';
import { PeopleService } from '../people/people.service';
import { SupportService } from './support.service';
import { TicketMergeRepository } from './ticket-merge.repository';
import { TicketsRepository, type TicketRow } from './tickets.repository';

/** How pages and messages name a ticket: `#` and the first 8 characters of its id. */
export const ticketRef = (id: string) => `#${id.slice(0, 8)}`;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const SHORT = /^#?\s*([0-9a-f]{8})$/i;
const refuse = (message: string) => new InputRefused({ into: message });

/**
 * Merging a duplicate ticket into another of the same organization (as
 * Request Tracker and Zendesk do): the duplicate's conversation moves to the
 * target, the duplicate closes with `merged_into` set, and its requester can
 * still open it (a banner links the target, which they may follow).
 */
@Injectable()
export class TicketMerge {
  constructor(
    private readonly em: EntityManager,
    private readonly tickets: TicketsRepository,
    private readonly merges: TicketMergeRepository,
    private readonly support: SupportService,
    private readonly people: PeopleService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  /** The ticket the form names: its reference (`#1a2b3c4d`), its id, or its page's address. */
  private async resolve(raw: string): Promise<TicketRow> {
    const text = raw.trim();
    const full = UUID.exec(text);
    let id: string | undefined;
    if (full) {
      id = full[0].toLowerCase();
    } else {
      const short = SHORT.exec(text);
      if (!short) throw refuse('Enter the ticket’s reference, such as #1a2b3c4d, or its id.');
      const found = await this.merges.byReference(short[1].toLowerCase());
      if (found.length > 1) throw refuse(`More than one ticket starts with ${text}: enter the whole id.`);
      id = found[0]?.id;
    }
    const ticket = id ? await this.tickets.byId(id) : undefined;
    if (!ticket) throw refuse(`There is no ticket ${full ? ticketRef(full[0].toLowerCase()) : text}.`);
    return ticket;
  }

  /** Why `source` cannot be merged into `target`, or null when it can. */
  private static refusal(source: TicketRow, target: TicketRow): string | null {
    const ref = ticketRef(target.id);
    if (source.mergedInto) return `This ticket was merged into ${ticketRef(source.mergedInto)} already.`;
    if (source.status === 'closed') return 'This ticket is closed: only a ticket still open can be merged.';
    if (target.id === source.id) return 'A ticket cannot be merged into itself.';
    if (target.organizationId !== source.organizationId) {
      return `Ticket ${ref} is another organization’s: merge only tickets of the same organization.`;
    }
    if (target.mergedInto) return `Ticket ${ref} was merged into ${ticketRef(target.mergedInto)}: merge into that one.`;
    if (target.status === 'closed') return `Ticket ${ref} is closed: merge into a ticket still open.`;
    return null;
  }

  /**
   * Merges ticket `sourceId` into the ticket `into` names, in one transaction:
   * the source's messages (notes too) and files move to the target (ids kept,
   * in time order on the page), the source closes with `merged_into`, each
   * gets a public message saying so, the source's requester one mail, and the
   * audit `ticket.merged`. Refusals come back beside the `into` field.
   */
  async merge(user: Principal, sourceId: string, into: string): Promise<{ source: TicketRow; target: TicketRow }> {
    const source = await this.tickets.byId(sourceId);
    if (!source) throw new NotFound('Ticket not found.');
    const target = await this.resolve(into);
    const why = TicketMerge.refusal(source, target);
    if (why) throw refuse(why);
    const now = +this.clock.now();
    return this.em.transactional(async () => {
      const closed = await this.merges.closeAsMerged(
        source.id,
        target.id,
        source.organizationId,
        now,
        this.support.pauseOf(source, now),
      );
      if (!closed) {
        // Changed since read (another agent merged or closed one of the two): say what it is now.
        const [s, t] = await Promise.all([this.tickets.byId(source.id), this.tickets.byId(target.id)]);
        throw refuse((s && t && TicketMerge.refusal(s, t)) ?? 'One of the tickets changed meanwhile: try again.');
      }
      await this.merges.moveConversation(source.id, target.id, now);
      const author = { authorId: user.personId, authorName: user.name, fromStaff: true, internal: false };
      await this.tickets.addMessage({
        ...author,
        ticketId: source.id,
        body: `Merged into ${ticketRef(target.id)} (“${target.subject}”): the conversation continues there.`,
        createdAt: now,
      });
      await this.tickets.addMessage({
        ...author,
        ticketId: target.id,
        body: `Ticket ${ticketRef(source.id)} (“${source.subject}”) was merged into this one.`,
        createdAt: now,
      });
      await this.audit.record({
        action: 'ticket.merged',
        target: { type: 'ticket', id: target.id, label: target.subject },
        organizationId: source.organizationId,
        details: {
          source: source.id,
          sourceSubject: source.subject,
          target: target.id,
        },
      });
      const requester = await this.people.findById(source.requesterId);
      if (requester && requester.status === 'active') {
        await this.mail.enqueue('support-merged', requester.email, {
          name: requester.name,
          subject: source.subject,
          ref: ticketRef(source.id),
          targetRef: ticketRef(target.id),
          targetSubject: target.subject,
          ticketId: target.id,
        });
      }
      return { source: closed, target: (await this.tickets.byId(target.id))! };
    });
  }
}

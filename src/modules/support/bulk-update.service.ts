import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { Principal } from '../../common/http/principal';
import { STAFF_MOVES, SupportService, type Assignee } from './support.service';
import { STATUS_LABELS } from './support.view';
import { TicketsRepository, type Level, type TicketRow, type TicketStatus } from './tickets.repository';

/** At most one queue page's worth of tickets in one bulk update. */
export const BULK_MAX = 50;

/** What a bulk update changes on each ticket; an absent part is left as it is. */
export interface BulkChange {
  /** A staff member's id, or null for nobody. */
  assigneeId?: string | null;
  status?: Exclude<TicketStatus, 'new'>;
  impact?: Level;
  /** An internal note added to each ticket. */
  note?: string;
}

export interface BulkResult {
  updated: number;
  /** How many tickets were skipped, by reason ("closed", "solved", "no change", …). */
  skipped: Record<string, number>;
}

/**
 * Bulk update of the queue's tickets (Request Tracker's "update all these
 * tickets at once"): each ticket gets exactly what the ticket page's own
 * actions would give it (SupportService's assignIn, impactIn, messageIn and
 * moveIn: the same statements, audit entries and mails), all in one
 * transaction. A ticket that cannot take the change (closed, or a status
 * move its status does not allow) is skipped whole, never half changed.
 */
@Injectable()
export class BulkUpdateService {
  constructor(
    private readonly em: EntityManager,
    private readonly tickets: TicketsRepository,
    private readonly support: SupportService,
    private readonly clock: Clock,
  ) {}

  async update(user: Principal, ids: readonly string[], change: BulkChange): Promise<BulkResult> {
    const assignee = change.assigneeId !== undefined ? await this.support.assignee(change.assigneeId) : undefined;
    const unique = [...new Set(ids)].slice(0, BULK_MAX);
    return this.em.transactional(async () => {
      const now = +this.clock.now();
      const found = new Map((await this.tickets.byIds(unique)).map((t) => [t.id, t]));
      const result: BulkResult = { updated: 0, skipped: {} };
      for (const id of unique) {
        const ticket = found.get(id);
        const reason = ticket ? skipReason(ticket, change, assignee) : 'not found';
        if (reason) {
          result.skipped[reason] = (result.skipped[reason] ?? 0) + 1;
          continue;
        }
        await this.apply(user, ticket!, change, assignee, now);
        result.updated++;
      }
      return result;
    });
  }

  /** Assignment, impact and note before the status, so a ticket being closed still takes them. */
  private async apply(
    user: Principal,
    current: TicketRow,
    change: BulkChange,
    assignee: Assignee | undefined,
    now: number,
  ) {
    let ticket = current;
    const failed = () => new Error(`Bulk update: ticket ${current.id} changed under its lock.`);
    if (assignee && ticket.assigneeId !== assignee.id) {
      ticket = (await this.support.assignIn(ticket.id, assignee, now)) ?? throwError(failed());
    }
    if (change.impact && ticket.impact !== change.impact) ticket = await this.support.impactIn(ticket, change.impact);
    if (change.note) ticket = await this.support.messageIn(user, ticket, change.note, true, now);
    if (change.status && ticket.status !== change.status) {
      ticket = (await this.support.moveIn(ticket, change.status, now)) ?? throwError(failed());
    }
    return ticket;
  }
}

/** Why `ticket` takes none of `change`, or undefined when it takes it. */
function skipReason(ticket: TicketRow, change: BulkChange, assignee: Assignee | undefined): string | undefined {
  if (ticket.status === 'closed') return 'closed';
  const moves = change.status !== undefined && ticket.status !== change.status;
  if (moves && !STAFF_MOVES[change.status!].includes(ticket.status)) return STATUS_LABELS[ticket.status].toLowerCase();
  const changes =
    moves ||
    Boolean(change.note) ||
    (change.impact !== undefined && ticket.impact !== change.impact) ||
    (assignee !== undefined && ticket.assigneeId !== assignee.id);
  return changes ? undefined : 'no change';
}

function throwError(err: Error): never {
  throw err;
}

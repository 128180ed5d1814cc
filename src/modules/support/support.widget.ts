import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/http/principal';
import type { WidgetData } from '../../platform/module-host/define-module';
import { ticketView } from './support.view';
import { TicketsRepository } from './tickets.repository';

const SHOWN = 5;

/**
 * The helpdesk's and operators' dashboard card "Support queue": what waits on
 * the agent (assigned to them, new or open) with their five most urgent, what
 * nobody has taken, and what waits on customers — each linked to the queue.
 */
@Injectable()
export class SupportWidget implements WidgetData {
  constructor(private readonly tickets: TicketsRepository) {}

  async load(user: Principal) {
    const summary = await this.tickets.deskSummary(user.personId, SHOWN);
    return {
      mine: summary.mine,
      unassigned: summary.unassigned,
      pending: summary.pending,
      waiting: summary.waiting.map((ticket) => ticketView(ticket, false)),
      moreMine: Math.max(0, summary.mine - summary.waiting.length),
    };
  }
}

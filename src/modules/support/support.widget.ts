import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/http/principal';
import type { WidgetData } from '../../platform/module-host/define-module';
import { SupportService } from './support.service';
import { ticketView } from './support.view';
import { viewCountText } from './tickets.repository';

const SHOWN = 5;

/**
 * The helpdesk's and operators' dashboard card "Support queue": the queue's
 * views with their counts (waiting on me, unassigned, waiting on customer),
 * each linked to the view, and the agent's five most urgent tickets.
 */
@Injectable()
export class SupportWidget implements WidgetData {
  constructor(private readonly support: SupportService) {}

  async load(user: Principal) {
    const [counts, mine] = await Promise.all([
      this.support.viewCounts(user.personId),
      this.support.queue({ view: 'mine', assigneeId: user.personId }, { after: null, before: null, limit: SHOWN }),
    ]);
    return {
      mine: viewCountText(counts.mine),
      unassigned: viewCountText(counts.unassigned),
      waiting: viewCountText(counts.waiting),
      first: mine.rows.map((ticket) => ticketView(ticket, false)),
      more: mine.nextCursor !== null,
    };
  }
}

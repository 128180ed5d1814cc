import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/http/principal';
import { decodeCursor } from '../../common/pagination';
import { queueHref, queueSearch, VIEW_LABELS, type QueueQuery } from './queue-query';
import { SavedSearchesService } from './saved-searches.service';
import { SupportService } from './support.service';
import type { SavedSearchRow } from './saved-searches.repository';
import { QUEUE_VIEWS, viewCountText, type QueueView } from './tickets.repository';

/** The top of the queue page from the views' counts and the saved searches `personId` sees. */
export function queueViewsView(
  personId: string,
  kept: Record<string, string>,
  query: QueueQuery,
  counts: Record<QueueView, number>,
  saved: readonly SavedSearchRow[],
) {
  const current = queueSearch(kept);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const after = decodeCursor(query.after, 2) ? str(query.after) : undefined;
  const before = !after && decodeCursor(query.before, 2) ? str(query.before) : undefined;
  return {
    viewTabs: [
      ...QUEUE_VIEWS.map((view) => ({
        view,
        label: VIEW_LABELS[view],
        href: queueHref(`view=${view}`),
        count: viewCountText(counts[view]),
        current: kept.view === view,
      })),
      { view: 'all', label: 'All tickets', href: '/admin/support', count: null, current: !kept.view },
    ],
    savedSearches: saved.map((s) => ({
      id: s.id,
      name: s.name,
      href: queueHref(s.query),
      shared: s.shared,
      mine: s.ownerId === personId,
      current: s.query === current,
    })),
    saveSearchHref: `/admin/support/searches/new${current ? `?${current}` : ''}`,
    back: queueSearch(kept, { after, before }),
  };
}

/**
 * The top of the queue page: the views as tabs with their (bounded) counts,
 * the agent's and the shared saved searches as links, "Save this search",
 * and the address the bulk update comes back to.
 */
@Injectable()
export class QueueViews {
  constructor(
    private readonly support: SupportService,
    private readonly searches: SavedSearchesService,
  ) {}

  async of(user: Principal, kept: Record<string, string>, query: QueueQuery) {
    const [counts, saved] = await Promise.all([this.support.viewCounts(user.personId), this.searches.list(user)]);
    return queueViewsView(user.personId, kept, query, counts, saved);
  }
}

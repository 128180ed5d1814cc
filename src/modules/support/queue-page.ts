import { pageLinks, type Page } from '../../common/pagination';
import type { queueViewsView } from './queue-views';
import type { DueView } from './sla.service';
import {
  categoryChoices,
  CATEGORY_LABELS,
  levelChoices,
  STATUS_LABELS,
  statusChoices,
  ticketView,
} from './support.view';
import type { TicketRow } from './tickets.repository';

/** What the queue page is drawn from, as the controller loads it. */
export interface QueuePageData {
  personId: string;
  kept: Record<string, string>;
  page: Page<TicketRow>;
  /** The organization filter's choices. */
  organizations: readonly { id: string; name: string }[];
  /** The assignee filter's and the bulk bar's choices. */
  staff: readonly { id: string; name: string; status: string }[];
  /** The names of the page's tickets' organizations. */
  orgNames: Map<string, string>;
  /** A row's next SLA due time. */
  due: (row: TicketRow) => DueView | null;
  /** The views' tabs and the saved searches (queueViewsView). */
  queueViews: ReturnType<typeof queueViewsView>;
}

/** The helpdesk queue page's locals (`support/admin-index`). */
export function queuePageView(data: QueuePageData) {
  const { kept, staff } = data;
  const staffNames = new Map(staff.map((s) => [s.id, s.name]));
  return {
    title: 'Support queue',
    breadcrumbs: [{ label: 'Support queue' }],
    ...data.queueViews,
    filters: kept,
    filtered: Object.keys(kept).length > 0,
    statusChoices: statusChoices(kept.status),
    priorityChoices: ['P1', 'P2', 'P3', 'P4'].map((p) => ({ value: p, label: p, selected: p === kept.priority })),
    categoryChoices: categoryChoices(kept.category),
    organizationChoices: data.organizations.map((o) => ({
      value: o.id,
      label: o.name,
      selected: o.id === kept.organization,
    })),
    assigneeChoices: [
      { value: 'mine', label: 'Assigned to me', selected: kept.assignee === 'mine' },
      { value: 'unassigned', label: 'Unassigned', selected: kept.assignee === 'unassigned' },
      ...staff.map((s) => ({ value: s.id, label: s.name, selected: s.id === kept.assignee })),
    ],
    rows: data.page.rows.map((row) => ({
      ...ticketView(row, false),
      orgName: data.orgNames.get(row.organizationId) ?? '',
      assigneeName: row.assigneeId ? (staffNames.get(row.assigneeId) ?? '—') : null,
      due: data.due(row),
    })),
    ...pageLinks('/admin/support', kept, data.page),
    statusLabels: STATUS_LABELS,
    categoryLabels: CATEGORY_LABELS,
    bulkAssigneeChoices: staff
      .filter((s) => s.status === 'active' && s.id !== data.personId)
      .map((s) => ({ value: s.id, label: s.name })),
    bulkStatusChoices: statusChoices().filter((c) => c.value !== 'new'),
    bulkImpactChoices: levelChoices(),
  };
}

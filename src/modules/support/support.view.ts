import type { Category, Level, TicketMessageRow, TicketRow, TicketStatus } from './tickets.repository';
import { ticketRef } from './ticket-merge';
import { CATEGORIES, LEVELS, TICKET_STATUSES } from './tickets.repository';

export const CATEGORY_LABELS: Record<Category, string> = {
  'sign-in': 'Signing in',
  'two-factor': 'Two-factor authentication',
  installing: 'Installing',
  licenses: 'Licenses',
  devices: 'Devices',
  billing: 'Billing',
  other: 'Something else',
};

/** Status names for staff; customers read "Waiting for your reply" for pending. */
export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: 'New',
  open: 'Open',
  pending: 'Waiting on customer',
  solved: 'Solved',
  closed: 'Closed',
};
const CUSTOMER_STATUS: Record<TicketStatus, string> = { ...STATUS_LABELS, pending: 'Waiting for your reply' };
const STATUS_COLORS: Record<TicketStatus, string> = {
  new: 'blue',
  open: 'azure',
  pending: 'yellow',
  solved: 'green',
  closed: 'secondary',
};
export const LEVEL_LABELS: Record<Level, string> = { low: 'Low', normal: 'Normal', high: 'High' };

export const categoryChoices = (selected?: unknown) =>
  CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c], selected: c === selected }));
export const levelChoices = (selected?: unknown) =>
  LEVELS.map((l) => ({ value: l, label: LEVEL_LABELS[l], selected: l === selected }));
export const statusChoices = (selected?: unknown) =>
  TICKET_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s], selected: s === selected }));

export function ticketView(ticket: TicketRow, customer: boolean) {
  return {
    ...ticket,
    ref: ticketRef(ticket.id),
    // A merged duplicate is closed; it says where it went.
    statusLabel: ticket.mergedInto ? 'Merged' : (customer ? CUSTOMER_STATUS : STATUS_LABELS)[ticket.status],
    mergedRef: ticket.mergedInto ? ticketRef(ticket.mergedInto) : null,
    statusColor: STATUS_COLORS[ticket.status],
    categoryLabel: CATEGORY_LABELS[ticket.category],
    urgencyLabel: LEVEL_LABELS[ticket.urgency],
    impactLabel: LEVEL_LABELS[ticket.impact],
    priorityLabel: `P${ticket.priority}`,
  };
}

export function messageView(message: TicketMessageRow) {
  return { ...message, paragraphs: message.body.split(/\n{2,}/) };
}

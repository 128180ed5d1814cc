import { csvColumns, type CsvValue } from '../../common/csv';
import type { TicketAttachmentRow } from './ticket-attachments.repository';
import type { TicketMessageRow, TicketRow } from './tickets.repository';
import { CATEGORY_LABELS, STATUS_LABELS } from './support.view';

// What a customer takes away from SeatDesk: their tickets as CSV and one
// ticket's conversation as plain text. Both are built only from what the
// customer's pages show (public messages, their files), never from notes.

const utc = (ms: number | null): string =>
  ms === null ? '' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** The organization's (or the member's own) tickets, one row each. */
export const TICKET_CSV = csvColumns<TicketRow & { requesterName?: string }>([
  { header: 'ticket', value: (t) => t.id },
  { header: 'subject', value: (t) => t.subject },
  { header: 'category', value: (t) => CATEGORY_LABELS[t.category] },
  { header: 'status', value: (t) => STATUS_LABELS[t.status] },
  { header: 'requester', value: (t): CsvValue => t.requesterName },
  { header: 'opened', value: (t) => utc(t.createdAt) },
  { header: 'last activity', value: (t) => utc(t.lastActivityAt) },
  { header: 'resolved', value: (t) => utc(t.resolvedAt) },
]);

/**
 * The conversation as a text file: a heading, then each message with its
 * author, time and attached file names. `messages` and `files` must be the
 * customer's view of the ticket.
 */
export function conversationText(
  ticket: TicketRow,
  requesterName: string,
  messages: TicketMessageRow[],
  files: TicketAttachmentRow[],
): string {
  const heading = [
    ticket.subject,
    `Ticket ${ticket.id} · ${CATEGORY_LABELS[ticket.category]} · ${STATUS_LABELS[ticket.status]}`,
    `Opened by ${requesterName} on ${utc(ticket.createdAt)}`,
  ];
  const blocks = messages.map((message) => {
    const who = message.fromStaff ? `${message.authorName} (Support)` : message.authorName;
    const attached = files
      .filter((file) => file.messageId === message.id)
      .map((file) => `Attached: ${file.name} (${file.size} bytes)`);
    return [`--- ${who}, ${utc(message.createdAt)}`, '', message.body.replace(/\r\n?/g, '\n'), ...attached].join('\n');
  });
  return [heading.join('\n'), ...blocks].join('\n\n') + '\n';
}

/** `ticket-<first 8 of the id>.txt`: a name the customer recognizes and the filesystem accepts. */
export const conversationFilename = (ticket: TicketRow) => `ticket-${ticket.id.slice(0, 8)}.txt`;

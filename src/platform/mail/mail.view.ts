import { MAIL_STATUSES, type MailMessageRow, type MailStatus } from './mail-outbox.repository';

const BADGES: Record<MailStatus, { label: string; color: string }> = {
  queued: { label: 'Queued', color: 'yellow' },
  sending: { label: 'Sending', color: 'yellow' },
  sent: { label: 'Sent', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
};

export function statusOptions(selected: MailStatus | undefined) {
  return [
    { value: '', label: 'All messages', selected: !selected },
    ...MAIL_STATUSES.map((status) => ({ value: status, label: BADGES[status].label, selected: status === selected })),
  ];
}

export function statusLabel(status: MailStatus): string {
  return BADGES[status].label;
}

export function messageView(row: MailMessageRow) {
  return {
    id: row.id,
    to: row.to,
    subject: row.subject,
    template: row.template,
    badge: BADGES[row.status],
    attempts: row.attempts,
    lastError: row.lastError,
    // The status's reason: when a queued message is tried next, when a sent one left.
    retryAt: row.status === 'queued' && row.attempts > 0 ? new Date(row.nextAttemptAt) : null,
    sentAt: row.sentAt !== null ? new Date(row.sentAt) : null,
    createdAt: new Date(row.createdAt),
    canResend: row.status === 'failed',
  };
}

import { randomUUID } from 'node:crypto';
import { priorityOf } from './priority';
import type { TicketRow } from './tickets.repository';

type Given = Pick<TicketRow, 'organizationId' | 'requesterId' | 'subject' | 'category' | 'urgency' | 'status'> &
  Partial<Pick<TicketRow, 'assigneeId' | 'deviceId' | 'licenseId' | 'createdAt'>>;

/**
 * A ticket as it is first stored, from a form or a chat: normal impact (the
 * agent judges it later), nothing answered, resolved, paused or merged yet.
 */
export function newTicketRow(given: Given, now: number): TicketRow {
  return {
    id: randomUUID(),
    impact: 'normal',
    priority: priorityOf(given.urgency, 'normal'),
    assigneeId: null,
    deviceId: null,
    licenseId: null,
    createdAt: now,
    ...given,
    lastActivityAt: now,
    statusChangedAt: now,
    resolvedAt: null,
    pendingRemindedAt: null,
    firstResponseAt: null,
    mergedInto: null,
    slaPausedAt: null,
    slaPausedSeconds: 0,
  };
}

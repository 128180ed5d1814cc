import type { Principal } from '../../src/platform/plugin-host/plugin-api';
import type { ChatRow, ChatStatus, MessageRow } from './live-chat.repository';
import { isAgent } from './live-chat.service';

export const BASE = '/plugins/live-chat';

const STATUS: Record<ChatStatus, { label: string; color: string }> = {
  waiting: { label: 'Waiting for an agent', color: 'yellow' },
  active: { label: 'In progress', color: 'blue' },
  ended: { label: 'Ended', color: 'secondary' },
};

const REASONS: Record<string, string> = {
  ended_by_member: 'ended by the person who asked',
  ended_by_agent: 'ended by the agent',
  unanswered: 'nobody was free to answer in time',
  member_left: 'the person who asked left',
};

/** What a message is in a page and in an event (the script builds the same item from it). */
export const messageView = (m: MessageRow) => ({
  seq: m.seq,
  authorName: m.authorName,
  fromStaff: m.fromStaff,
  body: m.body,
  at: new Date(m.createdAt).toISOString(),
  createdAt: new Date(m.createdAt),
});

export function chatView(chat: ChatRow, user: Principal) {
  const agent = isAgent(user);
  const open = chat.status !== 'ended';
  return {
    id: chat.id,
    href: `${BASE}/chats/${chat.id}`,
    topic: chat.topic,
    status: chat.status,
    statusLabel: STATUS[chat.status].label,
    statusColor: STATUS[chat.status].color,
    memberName: chat.memberName,
    agentName: chat.agentName,
    createdAt: new Date(chat.createdAt),
    endedAt: chat.endedAt === null ? null : new Date(chat.endedAt),
    endReason: chat.endReason ? (REASONS[chat.endReason] ?? null) : null,
    ticketHref: chat.ticketId ? (agent ? `/admin/support/${chat.ticketId}` : `/support/${chat.ticketId}`) : null,
    isAgent: agent,
    canTake: agent && chat.status === 'waiting',
    canPost: open && (!agent || (chat.status === 'active' && chat.agentId === user.personId)),
    canEnd: open,
    eventsHref: open ? `${BASE}/chats/${chat.id}/events` : null,
  };
}

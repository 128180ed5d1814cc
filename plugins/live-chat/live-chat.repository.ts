import { Injectable } from '@nestjs/common';
import { placeholders, Sql } from '../../src/platform/plugin-host/plugin-api';

export type ChatStatus = 'waiting' | 'active' | 'ended';

export interface ChatRow {
  id: string;
  organizationId: string;
  memberId: string;
  memberName: string;
  topic: string;
  status: ChatStatus;
  agentId: string | null;
  agentName: string | null;
  createdAt: number;
  takenAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  memberSeenAt: number;
  ticketId: string | null;
}

export interface MessageRow {
  seq: number;
  chatId: string;
  authorId: string | null;
  authorName: string;
  fromStaff: boolean;
  body: string;
  createdAt: number;
}

const A = 'plg_live_chat_agents';
const C = 'plg_live_chat_chats';
const M = 'plg_live_chat_messages';

const CHAT_COLUMNS = `id, organization_id as organizationId, member_id as memberId, member_name as memberName, topic,
  status, agent_id as agentId, agent_name as agentName, created_at as createdAt, taken_at as takenAt,
  ended_at as endedAt, end_reason as endReason, member_seen_at as memberSeenAt, ticket_id as ticketId`;

type StoredMessage = Omit<MessageRow, 'fromStaff'> & { fromStaff: number };
const message = (row: StoredMessage): MessageRow => ({ ...row, fromStaff: row.fromStaff === 1 });

/** The plugin's tables, plain rows through Sql in the caller's transaction; state changes are conditional updates. */
@Injectable()
export class LiveChatRepository {
  constructor(private readonly sql: Sql) {}

  // Agents

  async setAvailability(personId: string, available: boolean, now: number): Promise<boolean> {
    const before = await this.sql.get<{ available: number }>(`select available from ${A} where person_id = ?`, [
      personId,
    ]);
    await this.sql.run(
      `insert into ${A} (person_id, available, last_seen_at, updated_at) values (?, ?, ?, ?)
       on conflict (person_id) do update set available = excluded.available, last_seen_at = excluded.last_seen_at,
         updated_at = excluded.updated_at`,
      [personId, available ? 1 : 0, now, now],
    );
    return (before?.available === 1) !== available;
  }

  async isAvailable(personId: string): Promise<boolean> {
    const row = await this.sql.get<{ available: number }>(`select available from ${A} where person_id = ?`, [personId]);
    return row?.available === 1;
  }

  async agentSeen(personId: string, now: number): Promise<void> {
    await this.sql.run(`update ${A} set last_seen_at = ? where person_id = ? and last_seen_at < ?`, [
      now,
      personId,
      now,
    ]);
  }

  /** Agents toggled on and either seen since `since` or holding a stream open now (`connected`). */
  async availableAgents(since: number, connected: readonly string[]): Promise<number> {
    const orConnected = connected.length ? `or person_id in (${placeholders(connected.length)})` : '';
    const row = await this.sql.get<{ n: number }>(
      `select count(*) as n from ${A} where available = 1 and (last_seen_at >= ? ${orConnected})`,
      [since, ...connected],
    );
    return row?.n ?? 0;
  }

  // Chats

  async insertChat(row: ChatRow): Promise<void> {
    await this.sql.run(
      `insert into ${C} (id, organization_id, member_id, member_name, topic, status, created_at, member_seen_at)
       values (?, ?, ?, ?, ?, 'waiting', ?, ?)`,
      [row.id, row.organizationId, row.memberId, row.memberName, row.topic, row.createdAt, row.memberSeenAt],
    );
  }

  chat(id: string): Promise<ChatRow | undefined> {
    return this.sql.get<ChatRow>(`select ${CHAT_COLUMNS} from ${C} where id = ?`, [id]);
  }

  /** The person's waiting or active chat, if any. */
  openChatOf(memberId: string): Promise<ChatRow | undefined> {
    return this.sql.get<ChatRow>(
      `select ${CHAT_COLUMNS} from ${C} where member_id = ? and status in ('waiting', 'active') limit 1`,
      [memberId],
    );
  }

  /** Waiting chats, oldest first. */
  waiting(limit: number): Promise<ChatRow[]> {
    return this.sql.all<ChatRow>(
      `select ${CHAT_COLUMNS} from ${C} where status = 'waiting' order by created_at, id limit ?`,
      [limit],
    );
  }

  async waitingCount(): Promise<number> {
    const row = await this.sql.get<{ n: number }>(`select count(*) as n from ${C} where status = 'waiting'`);
    return row?.n ?? 0;
  }

  /** An agent's chats: active ones, then the last ended ones. */
  ofAgent(agentId: string, status: ChatStatus, limit: number): Promise<ChatRow[]> {
    return this.sql.all<ChatRow>(
      `select ${CHAT_COLUMNS} from ${C} where agent_id = ? and status = ? order by created_at desc, id limit ?`,
      [agentId, status, limit],
    );
  }

  take(id: string, agentId: string, agentName: string, now: number): Promise<ChatRow | undefined> {
    return this.sql.get<ChatRow>(
      `update ${C} set status = 'active', agent_id = ?, agent_name = ?, taken_at = ?
       where id = ? and status = 'waiting' returning ${CHAT_COLUMNS}`,
      [agentId, agentName, now, id],
    );
  }

  end(id: string, reason: string, now: number): Promise<ChatRow | undefined> {
    return this.sql.get<ChatRow>(
      `update ${C} set status = 'ended', ended_at = ?, end_reason = ?
       where id = ? and status in ('waiting', 'active') returning ${CHAT_COLUMNS}`,
      [now, reason, id],
    );
  }

  async setTicket(id: string, ticketId: string): Promise<void> {
    await this.sql.run(`update ${C} set ticket_id = ? where id = ?`, [ticketId, id]);
  }

  async memberSeen(id: string, now: number): Promise<void> {
    await this.sql.run(`update ${C} set member_seen_at = ? where id = ? and member_seen_at < ?`, [now, id, now]);
  }

  /** Chats to end: waiting since before `waitingBefore`, or active with their person gone since before `goneBefore`. */
  expired(waitingBefore: number, goneBefore: number, limit: number): Promise<ChatRow[]> {
    return this.sql.all<ChatRow>(
      `select ${CHAT_COLUMNS} from ${C}
        where (status = 'waiting' and created_at < ?) or (status = 'active' and member_seen_at < ?)
        order by created_at limit ?`,
      [waitingBefore, goneBefore, limit],
    );
  }

  // Messages

  async addMessage(input: Omit<MessageRow, 'seq'>): Promise<MessageRow> {
    const row = await this.sql.get<{ seq: number }>(
      `insert into ${M} (chat_id, author_id, author_name, from_staff, body, created_at)
       values (?, ?, ?, ?, ?, ?) returning seq`,
      [input.chatId, input.authorId, input.authorName, input.fromStaff ? 1 : 0, input.body, input.createdAt],
    );
    return { ...input, seq: row!.seq };
  }

  /** A chat's messages after `afterSeq`, oldest first. */
  async messages(chatId: string, afterSeq = 0): Promise<MessageRow[]> {
    const rows = await this.sql.all<StoredMessage>(
      `select seq, chat_id as chatId, author_id as authorId, author_name as authorName, from_staff as fromStaff,
         body, created_at as createdAt
       from ${M} where chat_id = ? and seq > ? order by seq`,
      [chatId, afterSeq],
    );
    return rows.map(message);
  }
}

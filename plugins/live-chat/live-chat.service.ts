import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  AfterCommit,
  AuditService,
  Clock,
  Conflict,
  InputRefused,
  NotFound,
  SupportTickets,
  type Principal,
} from '../../src/platform/plugin-host/plugin-api';
import { ChatHub } from './chat-hub';
import { LiveChatSettings } from './live-chat-settings';
import { LiveChatRepository, type ChatRow, type MessageRow } from './live-chat.repository';

export const AGENT_ROLES = ['helpdesk', 'operator'] as const;
export const CUSTOMER_ROLES = ['admin', 'member'] as const;
export const isAgent = (user: Principal) => user.role === 'helpdesk' || user.role === 'operator';

const NOT_FOUND = 'This chat does not exist.';
const QUEUE_SHOWN = 50;

export type EndedBy = 'member' | 'agent' | 'job';

export interface ChatPage {
  chat: ChatRow;
  messages: MessageRow[];
}

/**
 * Live chat use cases: a signed-in member starts a chat while an agent is
 * available, an agent takes it, both write, and the chat ends as a support
 * ticket holding the transcript. Each change is one transaction with its
 * audit entry; listeners hear of it after the commit.
 */
@Injectable()
export class LiveChatService {
  constructor(
    private readonly em: EntityManager,
    private readonly repo: LiveChatRepository,
    private readonly hub: ChatHub,
    private readonly tickets: SupportTickets,
    private readonly audit: AuditService,
    private readonly afterCommit: AfterCommit,
    private readonly clock: Clock,
    private readonly settings: LiveChatSettings,
  ) {}

  private now(): number {
    return +this.clock.now();
  }

  /** Agents toggled on whose console is connected (a stream open, or seen within the presence window). */
  availableAgents(): Promise<number> {
    return this.repo.availableAgents(this.now() - this.settings.presenceSeconds * 1000, this.hub.connectedAgents());
  }

  /** What a member's chat page shows: whether chat is open, and their open chat. */
  async lobby(user: Principal): Promise<{ agents: number; current: ChatRow | null }> {
    return { agents: await this.availableAgents(), current: (await this.repo.openChatOf(user.personId)) ?? null };
  }

  async start(user: Principal, topic: string, body: string): Promise<ChatRow> {
    if ((await this.repo.openChatOf(user.personId)) !== undefined) {
      throw new Conflict('You already have a chat open: continue it, or end it first.');
    }
    if ((await this.availableAgents()) === 0) {
      throw new Conflict('No agent is available right now. Open a ticket instead: we answer every ticket.');
    }
    this.checkBody(body);
    const now = this.now();
    this.hub.countPost(user.personId, now);
    const chat: ChatRow = {
      id: randomUUID(),
      organizationId: user.orgId!,
      memberId: user.personId,
      memberName: user.name,
      topic,
      status: 'waiting',
      agentId: null,
      agentName: null,
      createdAt: now,
      takenAt: null,
      endedAt: null,
      endReason: null,
      memberSeenAt: now,
      ticketId: null,
    };
    await this.em.transactional(async () => {
      try {
        await this.repo.insertChat(chat);
      } catch (err: unknown) {
        // The unique index on open chats: a second tab started one at the same moment.
        if (String(err).includes('UNIQUE')) throw new Conflict('You already have a chat open.');
        throw err;
      }
      await this.repo.addMessage({
        chatId: chat.id,
        authorId: user.personId,
        authorName: user.name,
        fromStaff: false,
        body,
        createdAt: now,
      });
      this.afterCommit.run(() => this.hub.queueChanged());
    });
    return chat;
  }

  /** A chat as its person (their own only) or an agent (any) sees it; a member's visit counts as presence. */
  async view(user: Principal, id: string): Promise<ChatPage> {
    const chat = await this.visible(user, id);
    if (!isAgent(user) && chat.status !== 'ended') await this.repo.memberSeen(id, this.now());
    return { chat, messages: await this.repo.messages(id) };
  }

  async visible(user: Principal, id: string): Promise<ChatRow> {
    const chat = await this.repo.chat(id);
    if (!chat) throw new NotFound(NOT_FOUND);
    if (!isAgent(user) && chat.memberId !== user.personId) throw new NotFound(NOT_FOUND);
    return chat;
  }

  messagesAfter(id: string, afterSeq: number): Promise<MessageRow[]> {
    return this.repo.messages(id, afterSeq);
  }

  /** A sign of life from an open stream: the agent stays present, the member stays in the chat. */
  async seen(user: Principal, chatId: string | null): Promise<void> {
    if (isAgent(user)) await this.repo.agentSeen(user.personId, this.now());
    else if (chatId) await this.repo.memberSeen(chatId, this.now());
  }

  async post(user: Principal, id: string, body: string): Promise<MessageRow> {
    const chat = await this.visible(user, id);
    if (chat.status === 'ended') throw new Conflict('This chat has ended.');
    if (isAgent(user) && chat.status === 'waiting') throw new Conflict('Take the chat before you reply.');
    // One agent answers a chat: whoever took it (another agent may still end it).
    if (isAgent(user) && chat.agentId !== user.personId) {
      throw new Conflict(`${chat.agentName ?? 'Another agent'} is answering this chat.`);
    }
    this.checkBody(body);
    const now = this.now();
    this.hub.countPost(user.personId, now);
    return this.em.transactional(async () => {
      const message = await this.repo.addMessage({
        chatId: id,
        authorId: user.personId,
        authorName: user.name,
        fromStaff: isAgent(user),
        body,
        createdAt: now,
      });
      if (!isAgent(user)) await this.repo.memberSeen(id, now);
      this.afterCommit.run(() => this.hub.publish(id, { type: 'message', message }));
      return message;
    });
  }

  async take(user: Principal, id: string): Promise<ChatRow> {
    const chat = await this.visible(user, id);
    const taken = await this.em.transactional(() => this.repo.take(id, user.personId, user.name, this.now()));
    if (!taken) {
      throw new Conflict(
        chat.status === 'ended'
          ? 'This chat has ended.'
          : `${chat.agentName ?? 'Another agent'} already took this chat.`,
      );
    }
    this.hub.publish(id, { type: 'status', status: 'active' });
    this.hub.queueChanged();
    return taken;
  }

  /** Ends a chat (its person, an agent, or the expiry job) and saves the transcript as a ticket. */
  async end(
    actor: Principal | null,
    id: string,
    options: { resolved?: boolean; reason?: string } = {},
  ): Promise<ChatRow> {
    if (actor) await this.visible(actor, id);
    const endedBy: EndedBy = actor === null ? 'job' : isAgent(actor) ? 'agent' : 'member';
    const reason = options.reason ?? `ended_by_${endedBy}`;
    const resolved = endedBy === 'agent' && options.resolved === true;
    const ended = await this.em.transactional(async () => {
      const chat = await this.repo.end(id, reason, this.now());
      if (!chat) return null;
      const messages = await this.repo.messages(id);
      const ticket = await this.tickets.openFromChat({
        requesterId: chat.memberId,
        organizationId: chat.organizationId,
        subject: `Chat: ${chat.topic}`,
        transcript: messages.map((m) => ({
          authorName: m.authorName,
          authorId: m.authorId,
          fromStaff: m.fromStaff,
          body: m.body,
          at: new Date(m.createdAt),
        })),
        agentId: chat.agentId,
        resolved,
      });
      await this.repo.setTicket(id, ticket.id);
      await this.audit.record({
        action: 'chat.ended',
        target: { type: 'chat', id, label: chat.topic },
        organizationId: chat.organizationId,
        details: {
          ticketId: ticket.id,
          messageCount: messages.length,
          endedBy,
          reason,
          resolved,
        },
      });
      this.afterCommit.run(() => {
        this.hub.publish(id, { type: 'status', status: 'ended' });
        this.hub.queueChanged();
      });
      return { ...chat, ticketId: ticket.id };
    });
    if (!ended) throw new Conflict('This chat has already ended.');
    return ended;
  }

  async setAvailability(user: Principal, available: boolean): Promise<void> {
    await this.em.transactional(async () => {
      const changed = await this.repo.setAvailability(user.personId, available, this.now());
      if (!changed) return;
      await this.audit.record({
        action: 'chat.availability_changed',
        target: { type: 'person', id: user.personId, label: user.email },
        organizationId: null,
        details: { available },
      });
    });
  }

  /** The agent's console: their toggle, the queue (oldest first), their open and last ended chats. */
  async console(user: Principal) {
    await this.repo.agentSeen(user.personId, this.now());
    const [available, waiting, mine, ended, agents] = await Promise.all([
      this.repo.isAvailable(user.personId),
      this.repo.waiting(QUEUE_SHOWN),
      this.repo.ofAgent(user.personId, 'active', QUEUE_SHOWN),
      this.repo.ofAgent(user.personId, 'ended', 10),
      this.availableAgents(),
    ]);
    return { available, waiting, mine, ended, agents };
  }

  waitingCount(): Promise<number> {
    return this.repo.waitingCount();
  }

  isAvailable(user: Principal): Promise<boolean> {
    return this.repo.isAvailable(user.personId);
  }

  /** The `live-chat.expire` job: chats nobody took, or whose person left, end as tickets. */
  async expire(): Promise<{ ended: number }> {
    const cutoff = this.now() - this.settings.expireMinutes * 60_000;
    let ended = 0;
    for (const chat of await this.repo.expired(cutoff, cutoff, 200)) {
      try {
        await this.end(null, chat.id, { reason: chat.status === 'waiting' ? 'unanswered' : 'member_left' });
        ended += 1;
      } catch (err: unknown) {
        // Ended by someone meanwhile: nothing left to do.
        if (!(err instanceof Conflict)) throw err;
      }
    }
    return { ended };
  }

  private checkBody(body: string): void {
    if (body.trim() === '') throw new InputRefused({ body: 'Write a message.' });
    if (body.length > this.settings.maxMessageLength) {
      throw new InputRefused({
        body: `Keep a message to ${this.settings.maxMessageLength.toLocaleString('en')} characters.`,
      });
    }
  }
}

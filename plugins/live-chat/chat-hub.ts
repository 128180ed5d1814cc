import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { RateLimited } from '../../src/platform/plugin-host/plugin-api';
import { LiveChatSettings } from './live-chat-settings';
import type { ChatStatus, MessageRow } from './live-chat.repository';

export type ChatEvent = { type: 'message'; message: MessageRow } | { type: 'status'; status: ChatStatus };
type Listener<T> = (event: T) => void;

/**
 * What this process knows that the database does not: who listens to which
 * chat (the open event streams), which agents hold a stream open, and each
 * person's recent posts (the rate limit). SeatDesk runs as one process, so
 * one hub sees every stream.
 */
@Injectable()
export class ChatHub implements OnModuleDestroy {
  private readonly chats = new Map<string, Set<Listener<ChatEvent>>>();
  private readonly consoles = new Set<Listener<'queue'>>();
  private readonly streams = new Map<string, number>();
  private readonly agentStreams = new Map<string, number>();
  private readonly closers = new Set<() => void>();
  private readonly posts = new Map<string, number[]>();

  constructor(private readonly settings: LiveChatSettings) {}

  /**
   * Counts an open stream of the person (refused over the cap); returns its
   * release. `agent` streams make the agent count as at the console.
   */
  openStream(personId: string, agent: boolean, close: () => void): () => void {
    const open = this.streams.get(personId) ?? 0;
    if (open >= this.settings.maxStreams) {
      throw new RateLimited(30, 'Too many live chat windows are open; close one and try again.');
    }
    this.streams.set(personId, open + 1);
    if (agent) this.agentStreams.set(personId, (this.agentStreams.get(personId) ?? 0) + 1);
    this.closers.add(close);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.closers.delete(close);
      decrement(this.streams, personId);
      if (agent) decrement(this.agentStreams, personId);
    };
  }

  /** Agents with a stream open now. */
  connectedAgents(): string[] {
    return [...this.agentStreams.keys()];
  }

  subscribe(chatId: string, listener: Listener<ChatEvent>): () => void {
    const set = this.chats.get(chatId) ?? new Set();
    set.add(listener);
    this.chats.set(chatId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.chats.delete(chatId);
    };
  }

  subscribeConsole(listener: Listener<'queue'>): () => void {
    this.consoles.add(listener);
    return () => this.consoles.delete(listener);
  }

  publish(chatId: string, event: ChatEvent): void {
    for (const listener of this.chats.get(chatId) ?? []) listener(event);
  }

  /** The queue or an agent's chats changed: consoles show it again. */
  queueChanged(): void {
    for (const listener of this.consoles) listener('queue');
  }

  /** Counts a post; refuses the one over `maxPosts` within the window. */
  countPost(personId: string, now: number): void {
    const since = now - this.settings.postWindowSeconds * 1000;
    const recent = (this.posts.get(personId) ?? []).filter((at) => at > since);
    if (recent.length >= this.settings.maxPosts) {
      this.posts.set(personId, recent);
      throw new RateLimited(this.settings.postWindowSeconds, 'You are sending messages too fast; wait a few seconds.');
    }
    recent.push(now);
    this.posts.set(personId, recent);
  }

  // Open streams would keep the server from closing.
  onModuleDestroy(): void {
    for (const close of [...this.closers]) close();
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const left = (map.get(key) ?? 1) - 1;
  if (left > 0) map.set(key, left);
  else map.delete(key);
}

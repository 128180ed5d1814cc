import { Injectable } from '@nestjs/common';
import { readEnvironment } from '../../src/platform/plugin-host/plugin-api';

type Env = Record<string, string | undefined>;

function wholeNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new Error(`Invalid configuration: ${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * Live chat limits. The defaults suit production; a test changes them on the
 * instance it gets from the container. The module builds the instance with
 * `fromEnvironment()`, once, at start.
 */
@Injectable()
export class LiveChatSettings {
  /** A chat nobody took, or whose person left, ends (saved as a ticket) after this many minutes. */
  expireMinutes = 10;
  /** An agent counts as at the console this long after their last sign of life (page, stream, keep-alive). */
  presenceSeconds = 60;
  /** A comment on every open stream this often, so proxies keep it open (and agents count as present). */
  keepAliveSeconds = 20;
  /** Longest message. */
  maxMessageLength = 2_000;
  /** Messages (and chats started) per person within `postWindowSeconds`. */
  maxPosts = 10;
  postWindowSeconds = 10;
  /** Open event streams per person. */
  maxStreams = 5;
  /**
   * A stream ends after this long and the browser reconnects (with
   * `Last-Event-ID`, so nothing is missed): the reconnect passes the session
   * check again, so a signed-out or expired session stops receiving.
   */
  streamMaxSeconds = 300;

  /** The settings with what the environment (or `.env`) sets; a bad value stops SeatDesk, naming the variable. */
  static fromEnvironment(env: Env = readEnvironment()): LiveChatSettings {
    const settings = new LiveChatSettings();
    settings.expireMinutes = wholeNumber(env, 'LIVE_CHAT_EXPIRE_MINUTES', settings.expireMinutes, 1, 1_440);
    settings.maxStreams = wholeNumber(env, 'LIVE_CHAT_MAX_STREAMS', settings.maxStreams, 1, 100);
    return settings;
  }
}

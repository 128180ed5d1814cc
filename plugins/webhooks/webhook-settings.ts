import { Injectable } from '@nestjs/common';
import { readEnvironment } from '../../src/platform/plugin-host/plugin-api';

type Env = Record<string, string | undefined>;

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new Error(`Invalid configuration: ${name} must be "on" or "off", got "${raw}"`);
}

/**
 * Delivery tuning. The defaults suit production; a test changes them on the
 * instance it gets from the container (`app.get(WebhookSettings).timeoutMs = 300`).
 * The module builds the instance with `fromEnvironment()`, once, at start.
 */
@Injectable()
export class WebhookSettings {
  /** One attempt, from connecting to the response status, may take this long. */
  timeoutMs = 5_000;
  /** Attempts before a delivery is marked failed. */
  maxAttempts = 8;
  /** Wait before the second attempt; doubles after each failure. */
  backoffSeconds = 30;
  /** Longest wait between two attempts. */
  maxBackoffSeconds = 3_600;
  /** Deliveries one claim takes; the job claims batches until none is due. */
  batchSize = 25;
  /**
   * Send to this machine (127.0.0.0/8, ::1, `localhost`, the addresses of its
   * own interfaces): off, so an endpoint cannot reach SeatDesk's own services.
   * `WEBHOOKS_ALLOW_LOOPBACK=on` turns it on, for a receiver on the same host.
   */
  allowLoopback = false;

  /**
   * The settings with what the environment (or `.env`) sets. The host reads
   * only its own variables, so the plugin reads its `WEBHOOKS_*` ones here; a
   * bad value stops SeatDesk from starting, naming the variable.
   */
  static fromEnvironment(env: Env = readEnvironment()): WebhookSettings {
    const settings = new WebhookSettings();
    settings.allowLoopback = onOff(env, 'WEBHOOKS_ALLOW_LOOPBACK', settings.allowLoopback);
    return settings;
  }
}

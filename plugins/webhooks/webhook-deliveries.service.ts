import { MikroORM } from '@mikro-orm/better-sqlite';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  Clock,
  PluginSecrets,
  type AppEventBase,
  type AppEventMap,
  type AppEventName,
  type JobCounts,
} from '../../src/platform/plugin-host/plugin-api';
import { WEBHOOKS_PLUGIN_ID } from './webhooks.constants';
import { postOnce, signature, type AttemptResult } from './webhook-sender';
import { WebhookSettings } from './webhook-settings';
import { WebhooksRepository, type ClaimedDelivery, type DeliveryOutcome } from './webhooks.repository';

interface Target {
  url: string;
  secretSealed: string;
  enabled: number;
}

type Tally = { claimed: number; delivered: number; retried: number; failed: number };

/**
 * The outbox: one row per event and subscribed endpoint, sent in the
 * background at once and retried by the `webhooks.deliver` job with
 * exponential backoff until `maxAttempts`, then failed. Nothing here runs in
 * a request: background work uses its own EntityManager fork.
 */
@Injectable()
export class WebhookDeliveries implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly orm: MikroORM,
    private readonly repo: WebhooksRepository,
    private readonly secrets: PluginSecrets,
    private readonly clock: Clock,
    private readonly settings: WebhookSettings,
  ) {}

  /** Stores one delivery per endpoint subscribed to the event, then sends them without waiting. */
  async enqueue<K extends AppEventName>(name: K, event: AppEventMap[K]): Promise<number> {
    const em = this.orm.em.fork();
    const endpoints = await this.repo.subscribers(em, name);
    if (endpoints.length === 0) return 0;
    const { occurredAt, ...data }: AppEventBase = event;
    // `id` names the event: the same for every endpoint and for redeliveries.
    const eventId = randomUUID();
    const body = JSON.stringify({ id: eventId, event: name, occurredAt, data });
    const rows = endpoints.map((endpoint) => ({
      id: randomUUID(),
      endpointId: endpoint.id,
      eventId,
      event: name,
      body,
    }));
    await this.repo.insertDeliveries(em, rows, +this.clock.now());
    this.kick(rows.map((row) => row.id));
    return rows.length;
  }

  /** Sends these (pending) deliveries now, in the background; failures stay for the job. */
  kick(ids: string[]): void {
    if (ids.length === 0 || this.stopping.signal.aborted) return;
    const work = this.dispatch(ids).catch((err: Error) =>
      this.logger.error({ err }, 'Sending webhooks failed; the webhooks.deliver job will retry'),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** The job's body: every due delivery, a batch at a time. */
  async deliverDue(): Promise<JobCounts> {
    const total = { delivered: 0, retried: 0, failed: 0 };
    // Bounded, so one run cannot go on forever while events keep arriving.
    for (let round = 0; round < 40; round++) {
      const tally = await this.dispatch();
      total.delivered += tally.delivered;
      total.retried += tally.retried;
      total.failed += tally.failed;
      if (tally.claimed < this.settings.batchSize) break;
    }
    return total;
  }

  /** Resolves once every background send started so far has been recorded. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  // Sends in flight are cut short and recorded (due again later) before the database closes.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.settled();
  }

  private async dispatch(ids?: string[]): Promise<Tally> {
    const em = this.orm.em.fork();
    const now = +this.clock.now();
    const leaseUntil = now + this.settings.timeoutMs + 60_000;
    const claimed = await this.repo.claim(em, now, leaseUntil, ids?.length ?? this.settings.batchSize, ids);
    const tally: Tally = { claimed: claimed.length, delivered: 0, retried: 0, failed: 0 };
    if (claimed.length === 0) return tally;
    const targets = new Map(
      (await this.repo.targets(em, [...new Set(claimed.map((row) => row.endpointId))])).map((row) => [row.id, row]),
    );
    const results = await Promise.all(claimed.map((row) => this.attempt(row, targets.get(row.endpointId))));
    for (const [index, row] of claimed.entries()) {
      const outcome = this.outcome(row, results[index]);
      await this.repo.finish(em, row.seq, row.attempts, outcome);
      if (outcome.status === 'delivered') tally.delivered++;
      else if (outcome.status === 'failed') tally.failed++;
      else tally.retried++;
      if (outcome.status !== 'delivered') {
        this.logger.warn(
          {
            delivery: row.id,
            endpoint: row.endpointId,
            attempt: row.attempts,
            error: outcome.lastError,
            cause: results[index].cause,
          },
          'A webhook delivery attempt failed',
        );
      }
    }
    return tally;
  }

  private async attempt(row: ClaimedDelivery, target: Target | undefined): Promise<AttemptResult> {
    if (!target) return { ok: false, status: null, error: 'The endpoint no longer exists.', final: true };
    if (!target.enabled) return { ok: false, status: null, error: 'The endpoint is disabled.', final: true };
    let secret: string;
    try {
      secret = this.secrets.open(WEBHOOKS_PLUGIN_ID, target.secretSealed);
    } catch {
      return {
        ok: false,
        status: null,
        error: 'The endpoint secret cannot be read (was APP_SECRET changed?).',
        final: true,
      };
    }
    const headers = {
      'x-seatdesk-event': row.event,
      'x-seatdesk-delivery': row.id,
      'x-seatdesk-signature': signature(secret, row.body),
    };
    return postOnce(target.url, row.body, headers, {
      timeoutMs: this.settings.timeoutMs,
      signal: this.stopping.signal,
      allowLoopback: this.settings.allowLoopback,
    });
  }

  private outcome(row: ClaimedDelivery, result: AttemptResult): DeliveryOutcome {
    const now = +this.clock.now();
    const base = { responseStatus: result.status, lastError: result.error };
    if (result.ok) return { ...base, status: 'delivered', nextAttemptAt: now, deliveredAt: now };
    if (result.final || row.attempts >= this.settings.maxAttempts) {
      return { ...base, status: 'failed', nextAttemptAt: now, deliveredAt: null };
    }
    const { backoffSeconds, maxBackoffSeconds } = this.settings;
    const wait = Math.min(backoffSeconds * 2 ** (row.attempts - 1), maxBackoffSeconds);
    return { ...base, status: 'pending', nextAttemptAt: now + wait * 1000, deliveredAt: null };
  }
}

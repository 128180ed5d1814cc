import { EntityManager, MikroORM } from '@mikro-orm/better-sqlite';
import { RequestContext } from '@mikro-orm/core';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { Clock } from '../../common/clock';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../common/config.module';
import { AppEvents } from '../events/app-events.service';
import { MailOutboxRepository, type ClaimedMessage } from './mail-outbox.repository';
import { afterFailure } from './mail-retry';
import { describeMailError, MAIL_TRANSPORT, type MailTransport } from './mail-transport';

export interface MailDeliveryCounts {
  delivered: number;
  retried: number;
  failed: number;
}

const BATCH = 20;
// One run delivers at most this many batches; the next run (or kick) takes the rest.
const MAX_BATCHES = 50;

/**
 * Delivers due messages of the outbox. Never called inside a transaction:
 * SMTP is awaited here, and a request only ever kicks this after its commit.
 */
@Injectable()
export class MailDeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  // Kicks run here, outside the async context (request, transaction) that asked for them.
  private readonly root = new AsyncResource('MailDelivery');
  private running: Promise<void> | null = null;
  // Every delivery run under way (kicked or the job's), so shutdown can wait for them.
  private readonly runs = new Set<Promise<unknown>>();
  private again = false;
  private closing = false;
  private readonly leaseMs: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly em: EntityManager,
    private readonly outbox: MailOutboxRepository,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly events: AppEvents,
  ) {
    // Long enough for a batch through the pool to time out several times over;
    // only a crashed process's messages wait this long to be taken again.
    this.leaseMs = (60 + 30 * config.smtpTimeoutSeconds) * 1000;
  }

  get transportDescription(): string {
    return this.transport.description;
  }

  /**
   * Starts delivering on a later tick and returns at once; kicks that arrive
   * while a run is going coalesce into one more run.
   */
  kick(): void {
    if (this.closing) return;
    this.again = true;
    if (!this.running) this.running = this.root.runInAsyncScope(() => this.drain());
  }

  /** Resolves once no delivery is running: neither a kicked one nor the job's (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running || this.runs.size > 0) {
      await Promise.allSettled([this.running, ...this.runs]);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.whenIdle();
    await this.transport.close();
  }

  /** Delivers every due message, in batches; the counts are the mail.deliver job's. */
  deliverDue(): Promise<MailDeliveryCounts> {
    const run = this.deliverBatches();
    this.runs.add(run);
    void run.catch(() => undefined).finally(() => this.runs.delete(run));
    return run;
  }

  private deliverBatches(): Promise<MailDeliveryCounts> {
    return RequestContext.create(this.orm.em, async () => {
      if (this.em.isInTransaction()) throw new Error('Mail delivery must not run inside a transaction');
      const counts: MailDeliveryCounts = { delivered: 0, retried: 0, failed: 0 };
      for (let batch = 0; batch < MAX_BATCHES && !this.closing; batch++) {
        const now = +this.clock.now();
        const claimed = await this.outbox.claimDue(now, now + this.leaseMs, BATCH);
        const outcomes = await Promise.allSettled(claimed.map((message) => this.attempt(message)));
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            this.logger.error({ err: outcome.reason }, 'Could not record a mail delivery outcome');
          } else if (outcome.value) {
            counts[outcome.value] += 1;
          }
        }
        if (claimed.length < BATCH) break;
      }
      return counts;
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.again && !this.closing) {
        this.again = false;
        // Let the request that kicked us finish its answer first.
        await new Promise((resolve) => setImmediate(resolve));
        await this.deliverDue().catch((err: Error) => this.logger.error({ err }, 'Mail delivery run failed'));
      }
    } finally {
      this.running = null;
    }
  }

  private async attempt(message: ClaimedMessage): Promise<keyof MailDeliveryCounts | null> {
    try {
      const { messageId } = await this.transport.send(message);
      const sent = await this.outbox.markSent(message.id, message.attempts, +this.clock.now(), messageId);
      return sent ? 'delivered' : null;
    } catch (err) {
      const error = describeMailError(err, this.config.smtpUrl);
      const decision = afterFailure(message.attempts, +this.clock.now());
      if (decision.status === 'queued') {
        this.logger.warn(`Mail ${message.id} attempt ${message.attempts} failed, retrying: ${error}`);
        const queued = await this.outbox.markRetry(message.id, message.attempts, decision.nextAttemptAt, error);
        return queued ? 'retried' : null;
      }
      this.logger.error(`Mail ${message.id} failed after ${message.attempts} attempts: ${error}`);
      if (!(await this.outbox.markFailed(message.id, message.attempts, error))) return null;
      this.events.emit('mail.failed', {
        messageId: String(message.id),
        to: message.to,
        template: message.template,
        error,
      });
      return 'failed';
    }
  }
}

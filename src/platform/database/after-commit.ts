import { EntityManager, MikroORM } from '@mikro-orm/better-sqlite';
import { RequestContext, type EventSubscriber } from '@mikro-orm/core';
import { Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { currentRequestInfo, runWithRequestInfo } from '../../common/request-info';

interface Pending {
  work: () => unknown;
  info: ReturnType<typeof currentRequestInfo>;
  later: boolean;
}

/**
 * Runs work once the current transaction has committed, and drops it when the
 * transaction rolls back; outside a transaction, at once. It is started, not awaited. The SQLite
 * pool has one connection, so at most one root transaction is open at a time
 * and a single pending list belongs to it.
 *
 * The work runs in a fresh MikroORM context of its own: the finished
 * transaction's context (which async hooks would otherwise carry along) can
 * no longer query. It keeps the request's info (address, browser, actor), so
 * what it audits names the same actor.
 */
@Injectable()
export class AfterCommit implements EventSubscriber, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('AfterCommit');
  private pending: Pending[] = [];
  private readonly running = new Set<Promise<unknown>>();
  // Created at start-up, outside any request or transaction.
  private readonly root = new AsyncResource('AfterCommit');

  constructor(
    private readonly orm: MikroORM,
    private readonly em: EntityManager,
  ) {}

  onModuleInit(): void {
    this.orm.em.getEventManager().registerSubscriber(this);
  }

  run(work: () => unknown): void {
    this.schedule({ work, info: { ...currentRequestInfo() }, later: false });
  }

  /**
   * Work the answer must neither wait for nor betray by its duration (a reset
   * link for a known address, nothing for an unknown one): started on a later
   * turn of the event loop, after the answer has been written, and after the
   * commit when there is a transaction.
   */
  runAfterAnswer(work: () => unknown): void {
    this.schedule({ work, info: { ...currentRequestInfo() }, later: true });
  }

  /** Resolves once no work is running or waiting to start (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.whenIdle();
  }

  afterTransactionCommit(): void {
    const work = this.pending;
    this.pending = [];
    for (const item of work) this.start(item);
  }

  afterTransactionRollback(): void {
    this.pending = [];
  }

  private schedule(item: Pending): void {
    if (this.em.isInTransaction()) this.pending.push(item);
    else this.start(item);
  }

  private start({ work, info, later }: Pending): void {
    const run = this.root.runInAsyncScope(async () => {
      if (later) await new Promise((resolve) => setImmediate(resolve));
      await RequestContext.create(this.orm.em, () =>
        runWithRequestInfo(info, async () => {
          try {
            await work();
          } catch (err) {
            this.logger.error({ err }, 'After-commit work failed; the committed change stands');
          }
        }),
      ).catch(() => undefined);
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}

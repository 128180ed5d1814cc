import { EntityManager, MikroORM } from '@mikro-orm/better-sqlite';
import { RequestContext, type EventSubscriber } from '@mikro-orm/core';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';

/**
 * Runs work once the current transaction has committed, and drops it when the
 * transaction rolls back; outside a transaction, at once. It is started, not awaited. The SQLite
 * pool has one connection, so at most one root transaction is open at a time
 * and a single pending list belongs to it.
 *
 * The work runs in a fresh MikroORM context of its own: the finished
 * transaction's context (which async hooks would otherwise carry along) can
 * no longer query.
 */
@Injectable()
export class AfterCommit implements EventSubscriber, OnModuleInit {
  private readonly logger = new Logger('AfterCommit');
  private pending: (() => unknown)[] = [];
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
    if (this.em.isInTransaction()) this.pending.push(work);
    else this.start(work);
  }

  afterTransactionCommit(): void {
    const work = this.pending;
    this.pending = [];
    for (const item of work) this.start(item);
  }

  afterTransactionRollback(): void {
    this.pending = [];
  }

  private start(work: () => unknown): void {
    this.root.runInAsyncScope(() => {
      RequestContext.create(this.orm.em, async () => {
        try {
          await work();
        } catch (err) {
          this.logger.error({ err }, 'After-commit work failed; the committed change stands');
        }
      }).catch(() => undefined);
    });
  }
}

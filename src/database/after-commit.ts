import { EntityManager, MikroORM } from '@mikro-orm/better-sqlite';
import type { EventSubscriber } from '@mikro-orm/core';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';

/**
 * Runs work once the current transaction has committed, and drops it when the
 * transaction rolls back; outside a transaction, at once. The SQLite pool has
 * one connection, so at most one root transaction is open at a time and a
 * single pending list belongs to it.
 */
@Injectable()
export class AfterCommit implements EventSubscriber, OnModuleInit {
  private readonly logger = new Logger('AfterCommit');
  private pending: (() => void)[] = [];

  constructor(
    private readonly orm: MikroORM,
    private readonly em: EntityManager,
  ) {}

  onModuleInit(): void {
    this.orm.em.getEventManager().registerSubscriber(this);
  }

  run(work: () => void): void {
    if (this.em.isInTransaction()) this.pending.push(work);
    else this.safely(work);
  }

  afterTransactionCommit(): void {
    const work = this.pending;
    this.pending = [];
    for (const item of work) this.safely(item);
  }

  afterTransactionRollback(): void {
    this.pending = [];
  }

  private safely(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.logger.error({ err }, 'After-commit work failed; the committed change stands');
    }
  }
}

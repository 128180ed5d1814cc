import { MikroORM, RequestContext, TransactionContext, type EntityManager } from '@mikro-orm/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * An HTTP request's EntityManager, forked the first time something asks for
 * it. Most pages read through Sql and never need one: forking on every
 * request (what RequestContext.create does) was a measurable share of a page.
 */
class LazyFork {
  private em: EntityManager | undefined;
  private forking = false;

  constructor(private readonly root: EntityManager) {}

  /** The fork; undefined while it is being made (its constructor asks for the context). */
  get(): EntityManager | undefined {
    if (this.em || this.forking) return this.em;
    this.forking = true;
    try {
      this.em = this.root.fork({ useContext: true, disableContextResolution: true });
    } finally {
      this.forking = false;
    }
    return this.em;
  }

  /** The fork if one was made, without making one. */
  get made(): EntityManager | undefined {
    return this.em;
  }
}

const requestForks = new AsyncLocalStorage<LazyFork>();

/** Express middleware giving each request its own (lazily forked) EntityManager. */
export function requestContext(orm: MikroORM) {
  return (_req: unknown, _res: unknown, next: () => void): void => requestForks.run(new LazyFork(orm.em), next);
}

/**
 * The ORM's `context` option: an explicit RequestContext (jobs, CLI, mail
 * delivery, after-commit work) first, else the HTTP request's fork.
 */
export function contextEntityManager(name: string): EntityManager | undefined {
  return RequestContext.getEntityManager(name) ?? requestForks.getStore()?.get();
}

/** The open ORM transaction of the current context, if any, without forking to find out. */
export function currentTransaction(): unknown {
  const em =
    TransactionContext.getEntityManager() ?? RequestContext.getEntityManager() ?? requestForks.getStore()?.made;
  return em?.getTransactionContext();
}

/**
 * Runs work outside an HTTP request (CLI, seeders, factories) in its own
 * MikroORM context, as a request would be; never the global EntityManager.
 */
export function withContext<T>(app: INestApplicationContext, work: () => Promise<T>): Promise<T> {
  return RequestContext.create(app.get(MikroORM).em, work);
}

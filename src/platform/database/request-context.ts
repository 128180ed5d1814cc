import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { INestApplicationContext } from '@nestjs/common';

/**
 * Runs work outside an HTTP request (CLI, seeders, factories) in its own
 * MikroORM context, as a request would be; never the global EntityManager.
 */
export function withContext<T>(app: INestApplicationContext, work: () => Promise<T>): Promise<T> {
  return RequestContext.create(app.get(MikroORM).em, work);
}

import { defineConfig, type Options } from '@mikro-orm/better-sqlite';
import type { MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import { join } from 'node:path';
import type { AppConfig } from '../../config/app.config';
import { PROJECT_ROOT } from '../../config/paths';
import { MIGRATIONS } from './migrations';
import { ImmediateBetterSqliteDialect } from './immediate-transactions';
import { contextEntityManager } from './request-context';
import type { SqliteConnection, SqliteHandle } from './sql';

type PragmaTarget = { pragma(source: string): unknown };

// Set on every connection the pool opens: durability first,
// foreign keys enforced, a writer waits rather than failing with SQLITE_BUSY.
export function applyPragmas(db: PragmaTarget, memory = false): void {
  if (!memory) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
}

/**
 * MikroORM writes the parameters of its own entity queries into the SQL text
 * (platform.formatQuery) instead of binding them, and SQLite reads a NUL
 * inside a string literal as the end of the statement. Hand-written SQL goes
 * through Sql, which binds; this is the net under entity writes of text from
 * elsewhere (an SMTP server's error, say): a NUL is stored as U+FFFD rather
 * than breaking the statement. It edits the parameter list in place.
 */
export function replaceNulInParams(sql: string, params: unknown[]): string {
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    if (typeof value === 'string' && value.includes('\u0000')) params[i] = value.replaceAll('\u0000', '\uFFFD');
  }
  return sql;
}

export function buildOrmConfig(
  config: Pick<AppConfig, 'databasePath'>,
  entities: Options['entities'] = [],
  // Plugins' migrations run after the core ones.
  extraMigrations: MigrationObject[] = [],
  // Receives the connection the pool opens, for the query layer (Sql).
  handle?: SqliteHandle,
): Options {
  const memory = config.databasePath === ':memory:';
  return defineConfig({
    dbName: config.databasePath,
    entities,
    // Under ts-jest/ts-node MikroORM reads entitiesTs; the same classes either way.
    entitiesTs: entities,
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator, SeedManager],
    // Transactions take the write lock when they begin (BEGIN IMMEDIATE), waiting within busy_timeout.
    driverOptions: { client: ImmediateBetterSqliteDialect },
    pool: {
      afterCreate: (conn: PragmaTarget, done: (err: Error | null, conn: PragmaTarget) => void) => {
        try {
          applyPragmas(conn, memory);
          handle?.attach(conn as unknown as SqliteConnection);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: join(PROJECT_ROOT, 'dist/src/platform/database/migrations'),
      pathTs: join(PROJECT_ROOT, 'src/platform/database/migrations'),
      migrationsList: [...MIGRATIONS, ...extraMigrations],
      snapshot: false,
      snapshotName: '.snapshot-seatdesk',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      silent: true,
    },
    seeder: {
      path: join(PROJECT_ROOT, 'dist/seeds'),
      pathTs: join(PROJECT_ROOT, 'seeds'),
    },
    // The request's EntityManager is forked only when something uses it.
    context: contextEntityManager,
    forceUtcTimezone: true,
    onQuery: replaceNulInParams,
    debug: false,
  });
}

import { BetterSqliteKnexDialect } from '@mikro-orm/better-sqlite';

/**
 * Every transaction begins with `BEGIN IMMEDIATE`: it takes SQLite's write
 * lock up front, waiting for it within `busy_timeout`. A plain (deferred)
 * `BEGIN` reads first and asks for the lock at its first write; when another
 * process (the CLI beside the server, or two CLI runs) holds it then, SQLite
 * cannot wait without risking a deadlock and fails at once with
 * SQLITE_BUSY ("database is locked") or SQLITE_BUSY_SNAPSHOT.
 *
 * Knex's SQLite transaction issues `BEGIN;` in its `begin(conn)`; MikroORM
 * lets `driverOptions.client` name the knex dialect class, so this dialect
 * hands out transactions whose begin is immediate. Savepoints (nested
 * transactions) are unchanged: the outer transaction already holds the lock.
 */

interface KnexTransaction {
  begin(conn: unknown): unknown;
  query(conn: unknown, sql: string): unknown;
}

/** Knex's own SQLite transaction class (knex has no typed export of it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- knex exports no type or module path for it
const SqliteTransaction = require('knex/lib/dialects/sqlite3/execution/sqlite-transaction') as new (
  ...args: unknown[]
) => KnexTransaction;

export const BEGIN_IMMEDIATE = 'BEGIN IMMEDIATE;';

class ImmediateTransaction extends SqliteTransaction {
  override begin(conn: unknown): unknown {
    return this.query(conn, BEGIN_IMMEDIATE);
  }
}

export class ImmediateBetterSqliteDialect extends BetterSqliteKnexDialect {
  transaction(...args: unknown[]): unknown {
    return new ImmediateTransaction(this, ...args);
  }
}

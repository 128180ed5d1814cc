import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { currentTransaction } from './request-context';

/** The part of a better-sqlite3 connection the query layer uses. */
export interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  pragma(source: string): unknown;
}

interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

export interface RunResult {
  changes: number;
}

/** `?, ?, ?` for an `in (…)` list of `count` values (callers never pass zero). */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/**
 * Rows for multi-row statements (`insert … values (…), (…)`), in order: chunks
 * of `max` rows, the rest in powers of two, so each statement is prepared in a
 * handful of sizes rather than one per remainder. Keep `max` times the values
 * of a row under SQLite's limit of 32,766 bound values.
 */
export function* rowChunks<T>(rows: readonly T[], max: number): Generator<T[]> {
  let i = 0;
  while (i < rows.length) {
    const left = rows.length - i;
    const size = left >= max ? max : 2 ** Math.floor(Math.log2(left));
    yield rows.slice(i, i + size);
    i += size;
  }
}

// Statements are kept per SQL text, for the texts this layer runs (a few
// hundred at most: they are constants with a bounded number of variants).
const STATEMENT_CACHE_LIMIT = 500;

/**
 * The app's one SQLite connection and its prepared statements. The ORM's pool
 * hands the connection here when it opens it (see buildOrmConfig).
 */
export class SqliteHandle {
  private connection: SqliteConnection | null = null;
  private readonly statements = new Map<string, SqliteStatement>();

  attach(connection: SqliteConnection): void {
    this.connection = connection;
    this.statements.clear();
  }

  get attached(): SqliteConnection | null {
    return this.connection;
  }

  statement(sql: string): SqliteStatement {
    const connection = this.connection;
    if (!connection) throw new Error('The database connection is not open yet');
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = connection.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

// What better-sqlite3 accepts: dates as epoch milliseconds (how the ORM
// stores them), booleans as 0/1, undefined as NULL.
function bindable(params: readonly unknown[]): unknown[] {
  return params.map((value) => {
    if (value instanceof Date) return value.getTime();
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value ?? null;
  });
}

interface KnexLike {
  raw(sql: string, bindings: unknown[]): PromiseLike<unknown> & { transacting(trx: unknown): unknown };
  client: { pool?: { numUsed(): number; numPendingAcquires(): number } | null };
}

/**
 * Hand-written SQL with bound parameters (never formatted into the text),
 * on the ORM's connection and inside the caller's ORM transaction. Portable
 * SQL only: SQLite-specific syntax lives in the dialect helpers beside this
 * file. See docs/adr/0001-query-layer.md.
 *
 * A statement runs at once on the connection when the caller is inside the
 * ORM transaction (which holds the one connection) or when nobody holds it;
 * otherwise it waits for the connection through the ORM's pool, so it never
 * slips into another request's open transaction.
 */
@Injectable()
export class Sql {
  constructor(
    private readonly em: EntityManager,
    private readonly handle: SqliteHandle,
  ) {}

  /** Every row, as plain objects. */
  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.exec(sql, params, 'all')) as T[];
  }

  /** The first row, or undefined. */
  async get<T>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return (await this.exec(sql, params, 'get')) as T | undefined;
  }

  /** A statement without rows (insert, update, delete without returning). */
  async run(sql: string, params: readonly unknown[] = []): Promise<RunResult> {
    const result = (await this.exec(sql, params, 'run')) as { changes: number };
    return { changes: result.changes };
  }

  private async exec(sql: string, params: readonly unknown[], method: 'all' | 'get' | 'run'): Promise<unknown> {
    const values = bindable(params);
    const trx = currentTransaction();
    const knex = this.em.getConnection().getKnex() as unknown as KnexLike;
    const pool = knex.client.pool;
    const free = pool ? pool.numUsed() === 0 && pool.numPendingAcquires() === 0 : false;
    if ((trx || free) && this.handle.attached) {
      const statement = this.handle.statement(sql);
      if (!statement.reader) return statement.run(...values);
      if (method === 'get') return statement.get(...values);
      const rows = statement.all(...values);
      return method === 'run' ? { changes: rows.length } : rows;
    }
    // Someone else's transaction (or the ORM) holds the connection: queue for it.
    const query = knex.raw(sql, values);
    if (trx) query.transacting(trx);
    const rows = (await query) as unknown[] | { changes: number };
    if (method === 'all') return Array.isArray(rows) ? rows : [];
    if (method === 'get') return Array.isArray(rows) ? rows[0] : undefined;
    return Array.isArray(rows) ? { changes: rows.length } : rows;
  }
}

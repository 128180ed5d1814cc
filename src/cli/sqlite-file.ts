import { MIGRATIONS } from '../platform/database/migrations';
import { CliError } from './cli-output';
import { errorCode, errorMessage } from '../common/error-info';

// better-sqlite3 arrives with the MikroORM driver but without type
// definitions: this is the little of it the CLI uses.
export interface SqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

export interface SqliteDatabase {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  prepare(sql: string): SqliteStatement;
  backup(destination: string): Promise<{ totalPages: number; remainingPages: number }>;
  close(): void;
}

interface SqliteOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
  timeout?: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options?: SqliteOptions) => SqliteDatabase;

export function openSqlite(file: string, options: SqliteOptions = {}): SqliteDatabase {
  return new Database(file, { timeout: 5000, ...options });
}

export interface SeatDeskFile {
  /** Applied migrations, oldest first. */
  migrations: string[];
  /** Migrations this version knows that the file lacks: applied at the next start. */
  pending: string[];
}

/**
 * Checks that a file is a sound SQLite database holding SeatDesk data this
 * version can run: integrity_check passes and the migrations table exists
 * with no migration newer than the code.
 */
export function inspectSeatDeskFile(file: string): SeatDeskFile {
  let db: SqliteDatabase;
  try {
    db = openSqlite(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CliError(`${file} cannot be opened: ${errorMessage(err)}`);
  }
  try {
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
    } catch (err) {
      if (errorCode(err) === 'SQLITE_NOTADB') throw new CliError(`${file} is not a SQLite database`);
      throw new CliError(`${file} cannot be read: ${errorMessage(err)}`);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new CliError(`${file} failed the integrity check: ${problems.slice(0, 3).join('; ')}`);
    }
    const table = db
      .prepare(`select name from sqlite_master where type = 'table' and name = 'mikro_orm_migrations'`)
      .get();
    if (!table) throw new CliError(`${file} holds no SeatDesk data (no mikro_orm_migrations table)`);
    const migrations = (db.prepare('select name from mikro_orm_migrations order by id').all() as { name: string }[])
      .map((row) => row.name.replace(/\.[jt]s$/, ''))
      // Plugins' migrations (plg_<id>_…) say nothing about the core schema's version.
      .filter((name) => !name.startsWith('plg_'));
    const known = MIGRATIONS.map((m) => m.name);
    const unknown = migrations.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new CliError(`${file} comes from a newer SeatDesk (unknown migrations: ${unknown.join(', ')})`);
    }
    return { migrations, pending: known.filter((name) => !migrations.includes(name)) };
  } finally {
    db.close();
  }
}

/**
 * Makes a fresh copy self-contained (rollback journal, so no -wal file
 * travels with it) and verifies it; throws when it is damaged.
 */
export function sealCopy(file: string): void {
  const db = openSqlite(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new CliError(`the copy failed the integrity check: ${String(result)}`);
  } finally {
    db.close();
  }
}

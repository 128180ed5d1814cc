// What a caught value says, whatever was thrown (catch variables are `unknown`).

/** A Node or driver error code such as `EEXIST` or `SQLITE_NOTADB`, when there is one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The error's message, or the thrown value as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// SQL as the ORM and knex put it into their error messages ("insert into `t` (…) values (…) - <driver's words>").
const SQL_TEXT = /\b(insert\s+into|delete\s+from|update\s+\S+\s+set|select\s[\s\S]*?\sfrom\s+[`"]|pragma\s)|\$argon2/i;

/**
 * Whether the error comes from the database driver (an `SQLITE_*` code, or
 * the SQL or its values in its properties or message). Such errors carry the
 * statement and its parameters (password hashes, addresses) in their text:
 * never printed, logged or shown as they are.
 */
export function isDatabaseError(err: unknown): boolean {
  if (errorCode(err)?.startsWith('SQLITE_')) return true;
  if (typeof err === 'object' && err !== null && ('sql' in err || 'sqlMessage' in err)) return true;
  return SQL_TEXT.test(errorMessage(err));
}

/** SQLite could not get its lock within busy_timeout. */
export function isDatabaseBusy(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'SQLITE_LOCKED' || (code?.startsWith('SQLITE_BUSY') ?? false);
}

// SQLite's "near \"…\": syntax error" quotes a piece of the statement, which may be a value.
const QUOTES_STATEMENT = /\bnear\s+"/i;

/**
 * A database error in words that carry no SQL and no values: the code and the
 * driver's own sentence (after knex's "<sql> - ") when it quotes none
 * ("SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: people.email", a
 * trigger's RAISE text), else "database error (<code>)".
 */
export function describeDatabaseError(err: unknown): string {
  const code = errorCode(err);
  if (isDatabaseBusy(err)) return `the database is busy, try again (${code})`;
  const message = errorMessage(err);
  const dash = message.lastIndexOf(' - ');
  const words = (dash < 0 ? message : message.slice(dash + 3)).trim();
  if (words && !SQL_TEXT.test(words) && !QUOTES_STATEMENT.test(words)) {
    const said = words.split('\n')[0];
    return code ? `${code}: ${said}` : said;
  }
  return code ? `database error (${code})` : 'database error';
}

/** The error's message, unless it is a database error: then describeDatabaseError's words. */
export function safeErrorMessage(err: unknown): string {
  return isDatabaseError(err) ? describeDatabaseError(err) : errorMessage(err);
}

/**
 * What a log line keeps of a database error: its type, words and code. The
 * message, the stack (which repeats the message) and the properties carrying
 * the SQL and its values are left out.
 */
export function databaseErrorForLog(err: unknown): { type: string; message: string; code?: string } {
  const type = err instanceof Error ? err.constructor.name : typeof err;
  const code = errorCode(err);
  return { type, message: describeDatabaseError(err), ...(code ? { code } : {}) };
}

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

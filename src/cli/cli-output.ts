import { describeDatabaseError, isDatabaseError } from '../common/error-info';
import { AppError } from '../common/errors/app-error';
import type { CliStdin } from './cli-input';

export interface CliIo {
  /** Configuration source; the real environment (merged over `.env`) when absent. */
  env?: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where secrets are read from (`--password-stdin`, the prompt); the process's stdin when absent. */
  stdin?: CliStdin;
}

/** A failure the operator can act on; its message is printed as is. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Raised by a command once its error is formatted; runCli prints it. */
export class CommandFailed extends Error {
  constructor(
    readonly command: string,
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * One line for any error: field messages for forms, never a stack trace, and
 * never a database error's SQL or values (its words and code instead).
 */
export function describeError(err: unknown): string {
  if (err instanceof AppError && err.fields) {
    return Object.entries(err.fields)
      .map(([field, message]) => `${field}: ${message}`)
      .join(' ');
  }
  if (!(err instanceof CliError) && isDatabaseError(err)) return describeDatabaseError(err);
  if (err instanceof Error) return oneLine(err.message);
  return oneLine(String(err));
}

/** Where commands write: the process streams in production, buffers in tests. */
export class CliOutput {
  constructor(private readonly io: Pick<CliIo, 'stdout' | 'stderr'>) {}

  line(text = ''): void {
    this.io.stdout(`${text}\n`);
  }

  warn(text: string): void {
    this.io.stderr(`${text}\n`);
  }

  table(headers: string[], rows: string[][]): void {
    const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
    const format = (cells: string[]) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    this.line(format(headers));
    this.line(format(widths.map((width) => '-'.repeat(width))));
    for (const row of rows) this.line(format(row));
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openSqlite } from '../../src/cli/sqlite-file';
import { runCli } from '../../src/cli/cli';
import type { CliStdin } from '../../src/cli/cli-input';
import { TEST_SECRET } from './test-app';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a CLI test runs with: its own data directory, quiet logs, no scheduler. */
export function cliEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { DATA_DIR: dataDir, APP_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', JOBS: 'off', ...extra };
}

/** Runs one CLI invocation in-process, as `npm run cli -- …` would. */
export async function cli(
  dataDir: string,
  argv: string[],
  extra: Record<string, string> = {},
  stdin: CliStdin = Readable.from([]),
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: cliEnv(dataDir, extra),
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stdin,
  });
  return { code, stdout, stderr };
}

/** docs/reference/cli.md: a failure is exactly one line on stderr, never a stack trace. */
export function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** Rows of a read-only query on a data directory's database, as the CLI left it. */
export function queryDataDir<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const db = openSqlite(join(dataDir, 'seatdesk.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths';

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the address once the server says where it listens; rejects if it exits first. */
  listening: Promise<string>;
  /** SIGTERM, then waits for the exit (the server finishes its work and flushes its logs first). */
  stop(): Promise<number | null>;
}

/**
 * The real entry point, started the way `npm start` does (from TypeScript, so
 * no build is needed), in `cwd` with only `env` (and PATH) as its environment.
 */
export function startServer(cwd: string, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(PROJECT_ROOT, 'src/main.ts')], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_PATH: join(PROJECT_ROOT, 'node_modules'),
      TS_NODE_PROJECT: join(PROJECT_ROOT, 'tsconfig.json'),
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (found) resolve(found[1]);
    });
    void exited.then((code) => reject(new Error(`The server exited with ${code}: ${stderr}`)));
  });
  // A test that never asks for the address must not see an unhandled rejection.
  listening.catch(() => undefined);
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return {
    child,
    exited,
    listening,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * The operator CLI as its own process (`npm run cli -- …` from TypeScript),
 * for what only a real process can show: a `kill -9` in the middle of a job.
 */
export function startCli(
  argv: string[],
  env: Record<string, string>,
): { child: ChildProcessWithoutNullStreams; exited: Promise<number | null>; stderr(): string } {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(PROJECT_ROOT, 'src/cli/main.ts'), ...argv],
    {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_PATH: join(PROJECT_ROOT, 'node_modules'),
        TS_NODE_PROJECT: join(PROJECT_ROOT, 'tsconfig.json'),
        ...env,
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

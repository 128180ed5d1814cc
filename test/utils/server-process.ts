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
  const child = spawnTs('src/main.ts', [], cwd, env);
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

// A TypeScript entry point of the project as its own process (ts-node, no build), with only `env` and PATH.
function spawnTs(script: string, argv: string[], cwd: string, env: Record<string, string>) {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(PROJECT_ROOT, script), ...argv], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_PATH: join(PROJECT_ROOT, 'node_modules'),
      TS_NODE_PROJECT: join(PROJECT_ROOT, 'tsconfig.json'),
      ...env,
    },
  });
}

/** The operator CLI as its own process (`npm run cli -- …` from TypeScript), running on. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/** Starts the CLI as its own process: for what only a real process shows (`kill -9` mid-job, concurrent writers). */
export function startCli(argv: string[], env: Record<string, string>): CliProcess {
  const child = spawnTs('src/cli/main.ts', argv, PROJECT_ROOT, env);
  child.stdin.end(); // nothing to read: a command that would ask fails instead of waiting
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

import { spawn } from 'node:child_process';
import { existsSync, statSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { PROJECT_ROOT } from '../../src/config/paths';

// The real entry point, started the way `npm start` does (from TypeScript, so no build is needed).
function start(cwd: string, env: Record<string, string>) {
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
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('starting the server', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'seatdesk-start-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([
    ['PORT', 'abc'],
    ['BASE_URL', 'not a url'],
    ['SESSION_IDLE_SECONDS', 'soon'],
  ])('refuses to start with %s=%s, saying so in one line', async (name, value) => {
    const server = start(cwd, { DATA_DIR: join(cwd, 'data'), [name]: value });
    expect(await server.exited).toBe(1);
    const lines = server.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('reads .env, creates DATA_DIR and its secret, migrates and serves on 127.0.0.1', async () => {
    writeFileSync(join(cwd, '.env'), 'DATA_DIR=./from-dotenv\nPORT=0\nLOG_LEVEL=info\n');
    const server = start(cwd, {});
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server.out());
          if (match) {
            clearInterval(timer);
            resolve(Number(match[1]));
          }
        }, 100);
        void server.exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`exited with ${code}: ${server.err()}`));
        });
      });
      expect(existsSync(join(cwd, 'from-dotenv', 'secret'))).toBe(true);
      expect(existsSync(join(cwd, 'from-dotenv', 'seatdesk.db'))).toBe(true);
      // Private to the service user: nothing for the group or others.
      for (const file of ['seatdesk.db', 'seatdesk.db-wal', 'secret']) {
        expect([file, statSync(join(cwd, 'from-dotenv', file)).mode & 0o077]).toEqual([file, 0]);
      }
      const base = `http://127.0.0.1:${port}`;
      expect((await request(base).get('/readyz')).status).toBe(200);
      expect((await request(base).get('/dashboard').redirects(0)).headers.location).toBe('/setup');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    expect(existsSync(join(cwd, 'from-dotenv', 'seatdesk.pid'))).toBe(false);
  });
});

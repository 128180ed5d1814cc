import { existsSync, statSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startServer as start } from '../utils/server-process';

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
    const lines = server.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('reads .env, creates DATA_DIR and its secret, migrates and serves on 127.0.0.1', async () => {
    writeFileSync(join(cwd, '.env'), 'DATA_DIR=./from-dotenv\nPORT=0\nLOG_LEVEL=info\n');
    const server = start(cwd, {});
    try {
      const base = await server.listening;
      expect(existsSync(join(cwd, 'from-dotenv', 'secret'))).toBe(true);
      expect(existsSync(join(cwd, 'from-dotenv', 'seatdesk.db'))).toBe(true);
      // Private to the service user: nothing for the group or others.
      for (const file of ['seatdesk.db', 'seatdesk.db-wal', 'secret']) {
        expect([file, statSync(join(cwd, 'from-dotenv', file)).mode & 0o077]).toEqual([file, 0]);
      }
      expect((await request(base).get('/readyz')).status).toBe(200);
      expect((await request(base).get('/dashboard').redirects(0)).headers.location).toBe('/setup');
    } finally {
      await server.stop();
    }
    expect(existsSync(join(cwd, 'from-dotenv', 'seatdesk.pid'))).toBe(false);
  });
});

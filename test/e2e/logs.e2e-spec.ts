import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { Client } from '../utils/http';
import { tokenIn } from '../utils/mail';
import { startServer, type ServerProcess } from '../utils/server-process';
import { SmtpPeer } from '../utils/smtp-peer';
import { TEST_SECRET } from '../utils/test-app';

// What the README promises of the logs: JSON lines on stdout that never hold a
// password, a cookie, a session or reset token, or a query string. The real
// entry point runs (as `npm start` does, from TypeScript) at the most verbose
// LOG_LEVEL, so what holds here holds at every level, and every line it writes
// is checked.

const OPERATOR = { email: 'olga@logs.test', password: 'tangerine-quartz-meadow-81' };
const WRONG_PASSWORD = 'wrong-but-secret-password-5521';
const NEW_PASSWORD = 'copper-lantern-harbour-64';
const QUERY_SECRET = 'query-secret-7f3a9c';

/** The value of every cookie a response set. */
const cookieValues = (res: Response): string[] =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .map((cookie) => cookie.split(';')[0].split('=').slice(1).join('='))
    .filter((value) => value.length > 0);

describe('logs', () => {
  let cwd: string;
  let peer: SmtpPeer;
  let server: ServerProcess;
  let lines: string[];
  /** Everything a log line must never hold. */
  const secrets = new Set<string>([OPERATOR.password, WRONG_PASSWORD, NEW_PASSWORD, QUERY_SECRET]);

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'seatdesk-logs-'));
    peer = await SmtpPeer.start();
    server = startServer(cwd, {
      DATA_DIR: join(cwd, 'data'),
      APP_SECRET: TEST_SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'trace',
      SMTP_URL: peer.url,
      JOBS: 'off',
    });
    try {
      await walkThrough(await server.listening);
    } finally {
      // The server finishes its work and flushes its logs before it exits.
      await server.stop();
    }
    lines = server.stdout().split('\n').filter(Boolean);
  });
  afterAll(async () => {
    await peer?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  /** Setup, a failed and a good sign-in, pages with query strings, a reset asked for and used. */
  async function walkThrough(baseUrl: string): Promise<void> {
    const track = (res: Response) => {
      for (const value of cookieValues(res)) {
        secrets.add(value);
        secrets.add(decodeURIComponent(value));
      }
      return res;
    };
    const visitor = new Client(baseUrl);
    const setup = track(
      await visitor.submit('/setup', {
        orgName: 'Logs Co',
        name: 'Olga Operator',
        email: OPERATOR.email,
        password: OPERATOR.password,
        confirmPassword: OPERATOR.password,
      }),
    );
    expect(setup.status).toBe(303);

    expect(track(await visitor.signIn(OPERATOR.email, WRONG_PASSWORD)).status).toBe(401);
    const signIn = track(await visitor.signIn(OPERATOR.email, OPERATOR.password));
    expect(signIn.status).toBe(303);
    expect(track(await visitor.get(`/admin/audit?actor=${QUERY_SECRET}`)).status).toBe(200);
    expect(track(await visitor.get(`/login?next=/admin/mail%3F${QUERY_SECRET}`)).status).toBe(303);

    const forgetful = new Client(baseUrl);
    expect(track(await forgetful.submit('/forgot-password', { email: OPERATOR.email })).status).toBe(303);
    const [mail] = await peer.waitForMessages(1, { match: (m) => m.subject === 'Reset your SeatDesk password' });
    const token = tokenIn(mail, '/reset-password');
    secrets.add(token);
    expect(track(await forgetful.get(`/reset-password?token=${token}`)).status).toBe(200);
    const reset = track(
      await forgetful.submit(`/reset-password?token=${token}`, {
        token,
        password: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      }),
    );
    expect(reset.status).toBe(303);
    expect(track(await forgetful.signIn(OPERATOR.email, NEW_PASSWORD)).status).toBe(303);
    expect(track(await forgetful.get('/dashboard')).status).toBe(200);
  }

  it('are JSON lines on stdout, one per request among them', () => {
    const entries = lines.map((line) => JSON.parse(line) as { req?: { method?: string; url?: string } });
    const requests = entries.filter((e) => e.req).map((e) => `${e.req!.method} ${e.req!.url}`);
    // The walk-through was logged, so the checks below looked at real request lines.
    expect(requests).toEqual(
      expect.arrayContaining([
        'POST /setup',
        'POST /login',
        'GET /admin/audit',
        'POST /forgot-password',
        'GET /reset-password',
        'POST /reset-password',
      ]),
    );
  });

  it('never hold a password, a cookie, a session or reset token, or a query string', () => {
    expect(secrets.size).toBeGreaterThan(6);
    const output = `${server.stdout()}\n${server.stderr()}`;
    for (const secret of secrets) expect([secret, output.includes(secret)]).toEqual([secret, false]);
    for (const line of lines) {
      const url = (JSON.parse(line) as { req?: { url?: string } }).req?.url;
      if (url !== undefined) expect(url).not.toContain('?');
    }
    expect(output).not.toMatch(/token=/i);
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { createPerson, type CreatedPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../utils/http';
import { startServer } from '../utils/server-process';
import { createOperator, createTestApp, listen, TEST_SECRET, type TestApp } from '../utils/test-app';

// TRUST_PROXY decides whose address SeatDesk records and throttles: the
// socket's (a client can write any X-Forwarded-For it likes) or, behind a
// proxy on this machine, the one the proxy forwards.

const FORWARDED = '203.0.113.7';

/** A client whose every request claims to come through a proxy for `address`. */
function forwardedClient(baseUrl: string, address = FORWARDED): Client {
  const client = new Client(baseUrl);
  client.agent.set('X-Forwarded-For', address);
  return client;
}

async function bootServed(env: Record<string, string>) {
  const t = await createTestApp({ LOGIN_RATE_LIMIT: '3', ...env });
  await createOperator(t);
  return { t, baseUrl: await listen(t) };
}

/** Runs `body` against an app of its own, so its throttle counters start at zero. */
async function withFreshApp(env: Record<string, string>, body: (baseUrl: string) => Promise<void>) {
  const { t, baseUrl } = await bootServed(env);
  try {
    await body(baseUrl);
  } finally {
    await t.close();
  }
}

/** The source addresses recorded for one person's sign-ins: audit entries and session rows. */
async function recordedAddresses(t: TestApp, person: CreatedPerson) {
  return withContext(t.app, async () => {
    const em = t.app.get(EntityManager);
    const audit = await em.execute<{ action: string; ip: string | null }[]>(
      `select action, ip from audit_entries
        where action in ('auth.login.failed', 'auth.login.succeeded') and actor_label = ? order by id`,
      [person.email],
    );
    const sessions = await em.execute<{ ip: string | null }[]>(
      'select ip_address as ip from sessions where person_id = ? order by created_at',
      [person.person.id],
    );
    return { audit, sessions: sessions.map((s) => s.ip) };
  });
}

async function failThenSucceed(baseUrl: string, person: CreatedPerson, address?: string) {
  const client = forwardedClient(baseUrl, address);
  expect((await client.signIn(person.email, 'not-the-password-123')).status).toBe(401);
  expect((await client.signIn(person.email, person.password)).status).toBe(303);
}

describe('TRUST_PROXY off (the default)', () => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => ({ t, baseUrl } = await bootServed({})));
  afterAll(() => t.close());

  it('records the socket address for sign-ins, ignoring X-Forwarded-For', async () => {
    const person = await createPerson(t.app, { role: 'member' });
    await failThenSucceed(baseUrl, person);
    expect(await recordedAddresses(t, person)).toEqual({
      audit: [
        { action: 'auth.login.failed', ip: '127.0.0.1' },
        { action: 'auth.login.succeeded', ip: '127.0.0.1' },
      ],
      sessions: ['127.0.0.1'],
    });
  });

  it('throttles by the socket address: a new X-Forwarded-For each time does not get past the limit', async () => {
    await withFreshApp({}, async (fresh) => {
      const statuses: number[] = [];
      for (let i = 1; i <= 4; i++) {
        const client = forwardedClient(fresh, `198.51.100.${i}`);
        statuses.push((await client.signIn('nobody@example.test', 'whatever-password-1')).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    });
  });
});

describe('TRUST_PROXY=loopback', () => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => ({ t, baseUrl } = await bootServed({ TRUST_PROXY: 'loopback' })));
  afterAll(() => t.close());

  it('records the forwarded client address for sign-ins and sessions', async () => {
    const person = await createPerson(t.app, { role: 'member' });
    await failThenSucceed(baseUrl, person);
    expect(await recordedAddresses(t, person)).toEqual({
      audit: [
        { action: 'auth.login.failed', ip: FORWARDED },
        { action: 'auth.login.succeeded', ip: FORWARDED },
      ],
      sessions: [FORWARDED],
    });
  });

  it('throttles each forwarded client on its own', async () => {
    await withFreshApp({ TRUST_PROXY: 'loopback' }, async (fresh) => {
      const attempt = (address: string) =>
        forwardedClient(fresh, address).signIn('nobody@example.test', 'whatever-password-1');
      // Three clients behind the proxy, one attempt each: none is held back by the others.
      for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        expect((await attempt(address)).status).toBe(401);
      }
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await attempt('198.51.100.9')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    });
  });
});

describe('TRUST_PROXY as a number of hops or the proxy addresses', () => {
  // A client writes its own X-Forwarded-For; the one proxy in front appends the address it saw.
  const CHAIN = `198.51.100.66, ${FORWARDED}`;

  for (const trust of ['1', '127.0.0.1']) {
    it(`TRUST_PROXY=${trust} takes the address the trusted proxy saw, not one the client wrote`, async () => {
      const { t, baseUrl } = await bootServed({ TRUST_PROXY: trust });
      try {
        const person = await createPerson(t.app, { role: 'member' });
        await failThenSucceed(baseUrl, person, CHAIN);
        expect(await recordedAddresses(t, person)).toEqual({
          audit: [
            { action: 'auth.login.failed', ip: FORWARDED },
            { action: 'auth.login.succeeded', ip: FORWARDED },
          ],
          sessions: [FORWARDED],
        });
      } finally {
        await t.close();
      }
    });
  }

  it('refuses to start with TRUST_PROXY=true, naming the variable', async () => {
    await expect(createTestApp({ TRUST_PROXY: 'true' })).rejects.toThrow(/TRUST_PROXY/);
  });
});

describe('X-Forwarded-For while TRUST_PROXY is off', () => {
  it('is logged once, as a warning naming TRUST_PROXY', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'seatdesk-xff-'));
    const server = startServer(cwd, {
      DATA_DIR: join(cwd, 'data'),
      APP_SECRET: TEST_SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      JOBS: 'off',
    });
    try {
      const baseUrl = await server.listening;
      await new Client(baseUrl).get('/login');
      for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        await forwardedClient(baseUrl, address).get('/login');
      }
    } finally {
      await server.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
    const warnings = server
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg?: string })
      .filter((entry) => entry.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('X-Forwarded-For');
    expect(warnings[0].msg).toContain('TRUST_PROXY is off');
  });
});

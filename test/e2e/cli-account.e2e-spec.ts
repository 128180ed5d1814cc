import { EntityManager } from '@mikro-orm/better-sqlite';
import { createPerson, type CreatedPerson } from '../../seeds/factories';
import { FixedClock } from '../../src/common/clock';
import { withContext } from '../../src/platform/database/request-context';
import { Person } from '../../src/modules/people/person.entity';
import { cli, expectOneLineError } from '../utils/cli';
import { Client } from '../utils/http';
import { createOperator, createTestApp, tempDataDir, type TestApp } from '../utils/test-app';

// user:unlock and user:reset-link, run in-process against the database of a
// test app that people sign in to. The app's clock starts at the real time:
// the CLI uses the real clock.

const BASE_URL = 'http://desk.example.test:8080';
const URL_LINE = /^http:\/\/desk\.example\.test:8080\/reset-password\?token=([\w-]{43})$/;

describe('operator CLI: account recovery', () => {
  let t: TestApp;
  let dataDir: string;

  // The CLI builds the same modules in this process, next to the app that signs people in.
  const run = (argv: string[]) => cli(dataDir, argv, { BASE_URL });
  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const lockoutOf = async (p: CreatedPerson) =>
    (
      await sql<{ failures: number; lockedUntil: number | null; lockouts: number }>(
        'select failed_sign_ins as failures, locked_until as lockedUntil, lockouts from people where id = ?',
        p.person.id,
      )
    )[0];
  const audit = (action: string, label: string) =>
    sql<{ actorLabel: string; details: string | null }>(
      'select actor_label as actorLabel, details from audit_entries where action = ? and target_label = ? order by id',
      action,
      label,
    );
  const signIn = (email: string, password: string) => new Client(t.server).signIn(email, password);
  const lockOut = async (p: CreatedPerson) => {
    for (let i = 0; i < 3; i++) expect((await signIn(p.email, 'wrong-password-guess-0')).status).toBe(401);
    expect((await lockoutOf(p)).lockedUntil).not.toBeNull();
  };
  const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

  beforeAll(async () => {
    dataDir = tempDataDir();
    t = await createTestApp(
      { DATA_DIR: dataDir, BASE_URL, LOCKOUT_MAX_FAILURES: '3' },
      { clock: new FixedClock(Date.now()) },
    );
    await createOperator(t);
  });
  afterAll(() => t?.close());

  it('lists both commands in the help', async () => {
    const help = await run(['--help']);
    expect(help.stdout).toContain('user:unlock');
    expect(help.stdout).toContain('user:reset-link');
    const unlock = await run(['user:unlock', '--help']);
    expect(unlock.stdout).toContain('--email <email>');
  });

  describe('user:unlock', () => {
    it('lifts a lockout so the right password works again, audited', async () => {
      const p = await createPerson(t.app, { role: 'member' });
      await lockOut(p);
      expect((await signIn(p.email, p.password)).status).toBe(401);

      const result = await run(['user:unlock', '--email', `  ${p.email.toUpperCase()} `]);
      expect(result).toEqual({ code: 0, stdout: `Unlocked ${p.email}: they can sign in again.\n`, stderr: '' });
      expect(await lockoutOf(p)).toEqual({ failures: 0, lockedUntil: null, lockouts: 0 });
      const [entry] = await audit('user.unlocked', p.email);
      expect(entry.actorLabel).toBe('cli');
      expect(JSON.parse(entry.details!)).toEqual({ wasLocked: true });
      expect((await signIn(p.email, p.password)).status).toBe(303);
    });

    it('says so when the account was not locked, and clears its failures', async () => {
      const p = await createPerson(t.app, { role: 'member' });
      await signIn(p.email, 'wrong-password-guess-0');
      const result = await run(['user:unlock', '--email', p.email]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${p.email} was not locked; failed sign-ins cleared.\n`);
      expect((await lockoutOf(p)).failures).toBe(0);
      expect(JSON.parse((await audit('user.unlocked', p.email))[0].details!)).toEqual({ wasLocked: false });
    });

    it('fails with one line for an unknown address', async () => {
      const result = await run(['user:unlock', '--email', 'nobody@example.test']);
      expect(result.code).toBe(1);
      expectOneLineError(result, /^user:unlock: email: no person has the address "nobody@example.test"\n/);
      expect(result.stdout).toBe('');
    });

    it('needs --email', async () => {
      const result = await run(['user:unlock']);
      expect(result.code).toBe(2);
      expectOneLineError(result, /required option '--email <email>'/);
    });
  });

  describe('user:reset-link', () => {
    it('prints a single-use link from BASE_URL on its last line, audited', async () => {
      const p = await createPerson(t.app, { role: 'member' });
      await lockOut(p);
      const result = await run(['user:reset-link', '--email', p.email]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const token = URL_LINE.exec(lastLine(result.stdout))?.[1];
      expect(token).toBeDefined();
      expect(JSON.parse((await audit('auth.password.reset_requested', p.email))[0].details!)).toMatchObject({
        via: 'cli',
      });

      const client = new Client(t.server);
      expect((await client.get(`/reset-password?token=${token}`)).status).toBe(200);
      const password = 'copper-lantern-meadow-91';
      const done = await client.submit(
        `/reset-password?token=${token}`,
        { token: token!, password, confirmPassword: password },
        '/reset-password',
      );
      expect(done.status).toBe(303);
      expect((await signIn(p.email, password)).status).toBe(303);
      expect((await new Client(t.server).get(`/reset-password?token=${token}`)).status).toBe(400);
    });

    it('replaces the link printed before', async () => {
      const p = await createPerson(t.app, { role: 'member' });
      const first = URL_LINE.exec(lastLine((await run(['user:reset-link', '--email', p.email])).stdout))![1];
      const second = URL_LINE.exec(lastLine((await run(['user:reset-link', '--email', p.email])).stdout))![1];
      expect(second).not.toBe(first);
      expect((await new Client(t.server).get(`/reset-password?token=${first}`)).status).toBe(400);
      expect((await new Client(t.server).get(`/reset-password?token=${second}`)).status).toBe(200);
    });

    it('fails with one line for an unknown or disabled address', async () => {
      const unknown = await run(['user:reset-link', '--email', 'nobody@example.test']);
      expect(unknown.code).toBe(1);
      expectOneLineError(unknown, /^user:reset-link: email: no person has the address "nobody@example.test"\n/);
      expect(unknown.stdout).toBe('');

      const p = await createPerson(t.app, { role: 'member' });
      await withContext(t.app, () =>
        t.app.get(EntityManager).nativeUpdate(Person, { id: p.person.id }, { status: 'disabled' }),
      );
      const disabled = await run(['user:reset-link', '--email', p.email]);
      expectOneLineError(disabled, /is disabled/);
      expect(disabled.stdout).toBe('');
    });
  });
});

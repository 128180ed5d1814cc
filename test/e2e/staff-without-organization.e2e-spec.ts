import { Readable } from 'node:stream';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createOrganization, createPerson } from '../../seeds/factories';
import { openSqlite } from '../../src/cli/sqlite-file';
import { FixedClock } from '../../src/common/clock';
import { totpCode } from '../../src/modules/auth/two-factor/totp';
import { cli, expectOneLineError } from '../utils/cli';
import { textOf } from '../utils/html';
import { Client } from '../utils/http';
import { createTestApp, tempDataDir, type TestApp } from '../utils/test-app';

const MIGRATION = 'Migration20261204000900_staff_without_organization';

function query<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const db = openSqlite(join(dataDir, 'seatdesk.db'), { fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

function run(dataDir: string, sql: string, ...params: unknown[]): void {
  const db = openSqlite(join(dataDir, 'seatdesk.db'), { fileMustExist: true });
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

// Setup used to put the first operator in the organization it created.
describe('the migration that detaches staff from organizations', () => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('leaves operators and helpdesk in no organization, and the organization and its people as they were', async () => {
    const t = await createTestApp({}, { dataDir });
    const org = await createOrganization(t.app, 'Install Owner Ltd');
    const operator = await createPerson(t.app, { role: 'operator' });
    const helpdesk = await createPerson(t.app, { role: 'helpdesk' });
    const member = await createPerson(t.app, { role: 'member', organization: org });
    await t.close();

    // The database as it was before the migration: staff attached, no suspension column.
    run(
      dataDir,
      'update people set organization_id = ? where id in (?, ?)',
      org.id,
      operator.person.id,
      helpdesk.person.id,
    );
    run(dataDir, 'alter table organizations drop column suspended_at');
    run(dataDir, 'delete from mikro_orm_migrations where name = ?', MIGRATION);

    const result = await cli(dataDir, ['db:migrate']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Applied ${MIGRATION}`);
    const rows = query<{ id: string; organizationId: string | null }>(
      dataDir,
      'select id, organization_id as organizationId from people order by id',
    );
    const orgOf = (id: string) => rows.find((row) => row.id === id)?.organizationId;
    expect(orgOf(operator.person.id)).toBeNull();
    expect(orgOf(helpdesk.person.id)).toBeNull();
    expect(orgOf(member.person.id)).toBe(org.id);
    expect(query(dataDir, 'select name, suspended_at as suspendedAt from organizations')).toEqual([
      { name: 'Install Owner Ltd', suspendedAt: null },
    ]);
  });

  it('leaves user:create no way to put an operator in an organization', async () => {
    const argv = ['user:create', '--email', 'ops@owner.test', '--password-stdin'];
    const password = () => Readable.from(['violet-harbour-lantern-42\n']);
    const attached = await cli(dataDir, [...argv, '--role', 'operator', '--org', 'Install Owner Ltd'], {}, password());
    expectOneLineError(attached, /^user:create: org: Operators serve every organization and belong to none\.\n$/);
    const staff = await cli(dataDir, [...argv, '--role', 'operator'], {}, password());
    expect(staff.code).toBe(0);
    expect(query(dataDir, 'select organization_id as o from people where email = ?', 'ops@owner.test')).toEqual([
      { o: null },
    ]);
  });
});

// The CLI is the way back in when no operator can sign in: it works for the
// operator setup creates, who belongs to no organization.
describe('the CLI recovery commands for an operator without an organization', () => {
  const BASE_URL = 'http://desk.example.test:8080';
  const dataDir = tempDataDir();
  const email = 'olive@northwind.test';
  const password = 'tangerine-quartz-meadow-81';
  let t: TestApp;

  beforeAll(async () => {
    // The CLI uses the real clock: the app's starts at the real time.
    t = await createTestApp({ BASE_URL, LOCKOUT_MAX_FAILURES: '3' }, { dataDir, clock: new FixedClock(Date.now()) });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('unlocks, removes two-factor and prints a reset link for them', async () => {
    const setup = await new Client(t.server).submit('/setup', {
      orgName: 'Northwind Security',
      name: 'Olive Operator',
      email,
      password,
      confirmPassword: password,
    });
    expect(setup.status).toBe(303);
    expect(query(dataDir, 'select organization_id as o from people where email = ?', email)).toEqual([{ o: null }]);

    // Two-factor on, then locked out.
    const client = new Client(t.server);
    expect((await client.signIn(email, password)).status).toBe(303);
    const started = await client.submit('/account/security', {}, '/account/2fa/setup');
    const secret = textOf(started.text, '#totp-secret') ?? '';
    const code = await totpCode(secret, t.clock.now());
    expect((await client.submit('/account/2fa/setup', { code }, '/account/2fa/enable')).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      expect((await new Client(t.server).signIn(email, 'not-the-password-at-all-1')).status).toBe(401);
    }
    expect((await new Client(t.server).signIn(email, password)).status).toBe(401);

    const unlock = await cli(dataDir, ['user:unlock', '--email', email], { BASE_URL });
    expect(unlock).toMatchObject({ code: 0, stderr: '' });
    const second = await new Client(t.server).signIn(email, password);
    expect(second.headers.location).toBe('/login/2fa');

    const reset2fa = await cli(dataDir, ['user:reset-2fa', '--email', email, '--reason', 'lost phone'], { BASE_URL });
    expect(reset2fa).toMatchObject({ code: 0, stderr: '' });
    const direct = await new Client(t.server).signIn(email, password);
    expect(direct.headers.location).toBe('/dashboard');

    const link = await cli(dataDir, ['user:reset-link', '--email', email], { BASE_URL });
    expect(link).toMatchObject({ code: 0, stderr: '' });
    const token = new URL(link.stdout.trimEnd().split('\n').at(-1)!).searchParams.get('token')!;
    const chosen = 'copper-lantern-meadow-91';
    const done = await new Client(t.server).submit(
      `/reset-password?token=${token}`,
      { token, password: chosen, confirmPassword: chosen },
      '/reset-password',
    );
    expect(done.status).toBe(303);
    const signedIn = new Client(t.server);
    expect((await signedIn.signIn(email, chosen)).status).toBe(303);
    expect((await signedIn.get('/admin/staff')).status).toBe(200);
  });
});

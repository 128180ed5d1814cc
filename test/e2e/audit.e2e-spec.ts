import { Sql } from '../../src/platform/database/sql';
import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable, Module } from '@nestjs/common';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createOrganization } from '../../seeds/factories';
import { AfterCommit } from '../../src/platform/database/after-commit';
import { withContext } from '../../src/platform/database/request-context';
import type { AppEventMap } from '../../src/platform/events/app-events';
import { AppEvents, OnAppEvent } from '../../src/platform/events/app-events.service';
import { randomUUID } from 'node:crypto';
import { AuditIntegrityService } from '../../src/platform/audit/audit-integrity.service';
import { JobsService } from '../../src/platform/jobs/jobs.service';
import { AuditService } from '../../src/platform/audit/audit.service';
import { OrganizationsService } from '../../src/modules/organizations/organizations.service';
import { deriveKeyBytes } from '../../src/common/security/keys';
import { CHAIN_COLUMNS, checkpointHash, entryHash, type ChainedEntry } from '../../src/platform/audit/audit-chain';
import { Client, csrfFrom } from '../utils/http';
import { createTestApp, signedIn, TEST_SECRET, type TestApp } from '../utils/test-app';

interface Row {
  id: number;
  action: string;
  actor_label: string;
  actor_type: string;
  target_label: string | null;
  organization_id: string | null;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
}

@Injectable()
class Listeners {
  seen: AppEventMap['organization.created'][] = [];
  failing = 0;

  @OnAppEvent('organization.created')
  onCreated(event: AppEventMap['organization.created']) {
    this.seen.push(event);
  }

  @OnAppEvent('organization.created')
  explode() {
    this.failing++;
    throw new Error('listener blew up');
  }
}

@Module({ providers: [Listeners] })
class ListenersModule {}

describe('audit log, its hash chain and domain events', () => {
  let t: TestApp;
  let listeners: Listeners;
  const sql = <T = Row>(query: string, params: unknown[] = []) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const entries = (action: string) => sql(`select * from audit_entries where action = ? order by id`, [action]);
  const verify = () => withContext(t.app, () => t.app.get(AuditIntegrityService).verify());
  // Events are emitted after the commit; this waits for their listeners to finish.
  const settle = () => t.app.get(AfterCommit).whenIdle();

  beforeAll(async () => {
    t = await createTestApp({ AUDIT_RETENTION_DAYS: '30' }, { imports: [ListenersModule] });
    listeners = t.app.get(Listeners, { strict: false });
  });
  afterAll(() => t.close());

  it('audits setup: the organization, the operator and the setup itself', async () => {
    const client = new Client(t.server);
    const password = 'tangerine-quartz-meadow-81';
    const res = await client.submit('/setup', {
      orgName: 'Audit Co',
      name: 'Ann Auditor',
      email: 'ann@audit.test',
      password,
      confirmPassword: password,
    });
    expect(res.status).toBe(303);
    expect((await entries('organization.created'))[0]).toMatchObject({ target_label: 'Audit Co', outcome: 'success' });
    expect((await entries('user.created'))[0]).toMatchObject({ target_label: 'ann@audit.test' });
    expect((await entries('setup.completed'))[0]).toMatchObject({
      actor_label: 'ann@audit.test',
      actor_type: 'person',
    });
    expect(JSON.stringify(await sql('select * from audit_entries'))).not.toContain(password);
  });

  it('audits sign-in success and failure (with the reason, source address and browser) and sign-out', async () => {
    const client = new Client(t.server);
    await client.agent.get('/login').set('User-Agent', 'AuditTest/1.0');
    const bad = await client.signIn('ann@audit.test', 'wrong-password-123');
    expect(bad.status).toBe(401);
    await new Client(t.server).signIn('ghost@audit.test', 'whatever-password-1');
    const failures = await entries('auth.login.failed');
    expect(failures.map((f) => [f.actor_label, f.outcome, JSON.parse(f.details!).reason])).toEqual([
      ['ann@audit.test', 'failure', 'wrong_password'],
      ['ghost@audit.test', 'failure', 'unknown_account'],
    ]);
    expect(failures[0].ip).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(failures)).not.toContain('wrong-password-123');

    const ok = await client.agent
      .post('/login')
      .set('User-Agent', 'AuditTest/1.0')
      .type('form')
      .send({
        email: 'ann@audit.test',
        password: 'tangerine-quartz-meadow-81',
        _csrf: csrfFrom((await client.agent.get('/login')).text),
      })
      .redirects(0);
    expect(ok.status).toBe(303);
    const [success] = await entries('auth.login.succeeded');
    expect(success).toMatchObject({ actor_label: 'ann@audit.test', user_agent: 'AuditTest/1.0' });
    await client.signOut();
    expect((await entries('auth.logout'))[0]).toMatchObject({ actor_label: 'ann@audit.test' });
  });

  it('audits organization changes with the operator as actor, and emits events after commit', async () => {
    const { client, email } = await signedIn(t, 'operator');
    await client.submit('/admin/organizations/new', { name: 'Evented Org' }, '/admin/organizations');
    await settle();
    const [created] = (await entries('organization.created')).filter((e) => e.target_label === 'Evented Org');
    expect(created.actor_label).toBe(email);
    expect(listeners.seen.map((e) => e.name)).toContain('Evented Org');
    expect(listeners.seen.find((e) => e.name === 'Evented Org')).toMatchObject({ actor: email });
    // A listener that throws neither undoes the change nor stops the other listener.
    expect(listeners.failing).toBeGreaterThan(0);
    expect((await client.get('/admin/organizations?q=Evented')).text).toContain('Evented Org');
  });

  it('fails the change when its audit entry cannot be written, and emits nothing', async () => {
    const { client } = await signedIn(t, 'operator');
    const seenBefore = listeners.seen.length;
    await sql(`create trigger audit_broken before insert on audit_entries begin select raise(abort, 'disk full'); end`);
    try {
      const res = await client.submit('/admin/organizations/new', { name: 'Unaudited Org' }, '/admin/organizations');
      expect(res.status).toBe(500);
      expect(res.text).not.toContain('disk full');
    } finally {
      await sql('drop trigger audit_broken');
    }
    await settle();
    expect(await sql(`select id from organizations where name = 'Unaudited Org'`)).toEqual([]);
    expect(listeners.seen.length).toBe(seenBefore);
  });

  it('drops events of a transaction that rolls back', async () => {
    const seenBefore = listeners.seen.length;
    await expect(
      withContext(t.app, () =>
        t.app.get(EntityManager).transactional(async () => {
          await t.app.get(OrganizationsService).create('Rolled Back Org');
          throw new Error('changed my mind');
        }),
      ),
    ).rejects.toThrow('changed my mind');
    await settle();
    expect(listeners.seen.length).toBe(seenBefore);
    expect(await sql(`select id from organizations where name = 'Rolled Back Org'`)).toEqual([]);
  });

  it('emits many events after the commit, in order, past a failing listener; none on rollback', async () => {
    const events = t.app.get(AppEvents);
    const payloads = ['Many One', 'Many Two', 'Many Three'].map((name) => ({ organizationId: randomUUID(), name }));
    const seenBefore = listeners.seen.length;
    const failingBefore = listeners.failing;
    await expect(
      withContext(t.app, () =>
        t.app.get(EntityManager).transactional(async () => {
          events.emitMany('organization.created', payloads);
          throw new Error('changed my mind');
        }),
      ),
    ).rejects.toThrow('changed my mind');
    await settle();
    expect(listeners.seen.length).toBe(seenBefore);

    await withContext(t.app, () =>
      t.app.get(EntityManager).transactional(async () => {
        events.emitMany('organization.created', payloads);
        await settle();
        expect(listeners.seen.length).toBe(seenBefore);
      }),
    );
    await settle();
    expect(listeners.seen.slice(seenBefore).map((e) => e.name)).toEqual(['Many One', 'Many Two', 'Many Three']);
    expect(listeners.failing - failingBefore).toBe(3);
  });

  it('refuses details that name a secret', async () => {
    await expect(
      withContext(t.app, () =>
        t.app.get(AuditService).record({
          action: 'test.happened',
          // @ts-expect-error secrets do not even compile
          details: { resetToken: 'abc' },
        }),
      ),
    ).rejects.toThrow(/secrets are never audited/);
  });

  it('keeps entries append-only at the database level', async () => {
    await expect(sql(`update audit_entries set action = 'x.y' where id = 1`)).rejects.toThrow(/append-only/);
    await expect(sql(`delete from audit_entries where id = 1`)).rejects.toThrow(/append-only/);
  });

  it('verifies an intact chain, and names an entry changed directly in the database file', async () => {
    const intact = await verify();
    expect(intact).toMatchObject({ ok: true });
    const total = (await sql<{ n: number }>('select count(*) as n from audit_entries'))[0].n;
    expect(intact.ok && intact.entries).toBe(total);

    const db = new Database(join(t.dataDir, 'seatdesk.db'));
    try {
      db.exec('drop trigger audit_entries_no_update');
      db.prepare(`update audit_entries set actor_label = 'someone-else@audit.test' where id = 3`).run();
      expect(await verify()).toMatchObject({ ok: false, entryId: 3, problem: 'entry #3 was changed or forged' });
    } finally {
      db.close();
    }
  });
});

describe('audit retention', () => {
  let t: TestApp;
  const sql = <T = { id: number; action: string }>(query: string, params: unknown[] = []) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));

  beforeAll(async () => {
    t = await createTestApp({ AUDIT_RETENTION_DAYS: '30' });
  });
  afterAll(() => t.close());

  it('removes entries older than AUDIT_RETENTION_DAYS from the start and leaves a verifiable chain', async () => {
    for (let i = 0; i < 5; i++) await createOrganization(t.app, `Old ${i}`);
    t.clock.advance(20 * 86_400);
    for (let i = 0; i < 3; i++) await createOrganization(t.app, `Recent ${i}`);
    t.clock.advance(15 * 86_400); // the first five are now 35 days old, the others 15

    const result = await t.app.get(JobsService).runNow('audit.retention', 'schedule');
    expect(result).toMatchObject({ outcome: 'succeeded', counts: { removed: 5 } });
    const left = await sql('select id, action from audit_entries order by id');
    expect(left.map((e) => e.action)).toEqual([
      'organization.created',
      'organization.created',
      'organization.created',
      'audit.retention_applied',
    ]);
    expect(await sql('select through_id, removed from audit_checkpoints')).toEqual([{ through_id: 5, removed: 5 }]);
    const verified = await withContext(t.app, () => t.app.get(AuditIntegrityService).verify());
    expect(verified).toEqual({ ok: true, entries: 4, checkpoints: 1 });

    // Running again removes nothing more.
    expect((await t.app.get(JobsService).runNow('audit.retention', 'schedule')).counts).toEqual({ removed: 0 });
  });

  it('catches a removed entry after retention, naming the entry that follows it', async () => {
    const db = new Database(join(t.dataDir, 'seatdesk.db'));
    try {
      db.exec('drop trigger audit_entries_no_delete');
      db.prepare('delete from audit_entries where id = 7').run();
    } finally {
      db.close();
    }
    const verified = await withContext(t.app, () => t.app.get(AuditIntegrityService).verify());
    expect(verified).toMatchObject({ ok: false, entryId: 8 });
  });
});

/** A second connection to the database file, as another process (the CLI, a second server) has. */
function otherProcess(dataDir: string) {
  const db = new Database(join(dataDir, 'seatdesk.db'));
  db.pragma('busy_timeout = 5000');
  const key = deriveKeyBytes(TEST_SECRET, 'audit-chain');
  return {
    db,
    /** Appends a correctly signed entry after `prevHash`, as AuditService would; returns its hash. */
    append(prevHash: string, action = 'license.created'): string {
      const entry: ChainedEntry = {
        at: Date.now(),
        actorType: 'system',
        actorId: null,
        actorLabel: 'cli',
        action,
        targetType: null,
        targetId: null,
        targetLabel: null,
        organizationId: null,
        ip: null,
        userAgent: null,
        outcome: 'success',
        details: null,
        prevHash,
      };
      const hash = entryHash(key, entry);
      db.prepare(
        `insert into audit_entries (${CHAIN_COLUMNS.map(([, column]) => column).join(', ')}, hash)
         values (${CHAIN_COLUMNS.map(() => '?').join(', ')}, ?)`,
      ).run(...CHAIN_COLUMNS.map(([field]) => entry[field]), hash);
      return hash;
    },
    /** What the retention job does: removes entries through `throughId` and leaves a signed checkpoint. */
    trim(throughId: number): void {
      db.transaction(() => {
        const last = db.prepare('select hash from audit_entries where id = ?').get(throughId) as { hash: string };
        db.prepare('update audit_gate set retention_open = 1 where id = 1').run();
        const removed = db.prepare('delete from audit_entries where id <= ?').run(throughId).changes;
        db.prepare('update audit_gate set retention_open = 0 where id = 1').run();
        const checkpoint = { at: Date.now(), throughId, throughHash: last.hash, removed };
        db.prepare(
          'insert into audit_checkpoints (at, through_id, through_hash, removed, hash) values (?, ?, ?, ?, ?)',
        ).run(checkpoint.at, throughId, last.hash, removed, checkpointHash(key, checkpoint));
      })();
    },
  };
}

const LAST_HASH = /from audit_entries order by id desc limit 1/;

describe('the audit chain under concurrent writers', () => {
  let t: TestApp;
  const sql = <T = { id: number; prev_hash: string; hash: string; action: string }>(
    query: string,
    params: unknown[] = [],
  ) => withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const verify = () => withContext(t.app, () => t.app.get(AuditIntegrityService).verify());
  const record = (action: string) =>
    t.app.get(AuditService).record({ action, target: { type: 'license', id: action }, organizationId: null });

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('links each of many overlapping record() calls outside a transaction to a different entry', async () => {
    await withContext(t.app, () => Promise.all(Array.from({ length: 10 }, (_, n) => record(`license.created_${n}`))));
    const rows = await sql('select prev_hash from audit_entries');
    expect(new Set(rows.map((row) => row.prev_hash)).size).toBe(rows.length);
    expect(await verify()).toMatchObject({ ok: true, entries: rows.length });
  });

  it('serialises overlapping record() calls inside one transaction too', async () => {
    await withContext(t.app, () =>
      t.app
        .get(EntityManager)
        .transactional(() => Promise.all(Array.from({ length: 5 }, (_, n) => record(`license.renewed_${n}`)))),
    );
    expect(await sql(`select id from audit_entries where action like 'license.renewed_%'`)).toHaveLength(5);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('refuses, in the database itself, a second entry linking to the same previous entry', async () => {
    const other = otherProcess(t.dataDir);
    try {
      const [last] = await sql('select id, hash, prev_hash from audit_entries order by id desc limit 1');
      expect(() => other.append(last.prev_hash)).toThrow(/UNIQUE constraint failed: audit_entries\.prev_hash/);
      // Nor can a second chain start from the genesis.
      expect(() => other.append('')).toThrow(/UNIQUE constraint failed/);
    } finally {
      other.db.close();
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('holds the write lock from reading the chain’s end to the insert: another process appends after it', async () => {
    const other = otherProcess(t.dataDir);
    // Not waiting: the attempt in the middle of the append is answered at once.
    other.db.pragma('busy_timeout = 0');
    const execute = Sql.prototype.all;
    let raced: unknown;
    jest.spyOn(Sql.prototype, 'all').mockImplementation(async function (this: Sql, ...args) {
      const result = await (execute as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      if (raced === undefined && typeof args[0] === 'string' && LAST_HASH.test(args[0])) {
        try {
          other.append((result as { hash: string }[])[0].hash, 'job.appended');
          raced = 'appended';
        } catch (err) {
          raced = err;
        }
      }
      return result as never;
    });
    try {
      // The transaction began IMMEDIATE: nobody can write between its read and its insert.
      await withContext(t.app, () => record('license.revoked'));
      expect(String(raced)).toMatch(/database is locked/);
      const [mine] = await sql('select id, action, prev_hash, hash from audit_entries order by id desc limit 1');
      expect(mine.action).toBe('license.revoked');
      other.append(mine.hash, 'job.appended');
    } finally {
      other.db.close();
    }
    const [mine, appended] = await sql(
      'select id, action, prev_hash, hash from audit_entries order by id desc limit 2',
    ).then((rows) => rows.reverse());
    expect([mine.action, appended.action]).toEqual(['license.revoked', 'job.appended']);
    expect(appended.prev_hash).toBe(mine.hash);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it("retries a conflicting append inside the caller's transaction without undoing the caller's change", async () => {
    const [, beforeLast] = await sql('select id, hash from audit_entries order by id desc limit 2');
    const execute = Sql.prototype.all;
    let stale = false;
    jest.spyOn(Sql.prototype, 'all').mockImplementation(async function (this: Sql, ...args) {
      const result = await (execute as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      if (stale && typeof args[0] === 'string' && LAST_HASH.test(args[0])) {
        // The first read answers as if the newest entry were not there yet.
        stale = false;
        return [{ hash: beforeLast.hash }] as never;
      }
      return result as never;
    });
    await withContext(t.app, () =>
      t.app.get(EntityManager).transactional(async () => {
        await t.app.get(OrganizationsService).create('Caller Change Org');
        stale = true;
        await record('license.suspended');
      }),
    );
    expect(stale).toBe(false);
    expect(await sql(`select id from organizations where name = 'Caller Change Org'`)).toHaveLength(1);
    expect(await sql(`select id from audit_entries where action = 'license.suspended'`)).toHaveLength(1);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('reads one snapshot in audit:verify: retention in another process waits for it', async () => {
    const other = otherProcess(t.dataDir);
    other.db.pragma('busy_timeout = 0');
    const [{ id: through }] = await sql<{ id: number }>('select id from audit_entries order by id limit 1 offset 3');
    const execute = Sql.prototype.all;
    let trimmed: unknown;
    jest.spyOn(Sql.prototype, 'all').mockImplementation(async function (this: Sql, ...args) {
      if (trimmed === undefined && typeof args[0] === 'string' && /from audit_entries where id > \?/.test(args[0])) {
        // The checkpoints are read; another process's retention run tries to commit before the entries are.
        try {
          other.trim(through);
          trimmed = 'trimmed';
        } catch (err) {
          trimmed = err;
        }
      }
      return (execute as (...a: unknown[]) => Promise<unknown>).apply(this, args) as never;
    });
    try {
      const result = await verify();
      expect(String(trimmed)).toMatch(/database is locked/);
      expect(result).toMatchObject({ ok: true, checkpoints: 0 });
      other.trim(through);
    } finally {
      other.db.close();
    }
    jest.restoreAllMocks();
    expect(await verify()).toMatchObject({ ok: true, checkpoints: 1 });
  });
});

describe('recordMany: a batch of entries as one piece of the chain', () => {
  let t: TestApp;
  const sql = <T = { id: number; prev_hash: string; hash: string; action: string; target_id: string }>(
    query: string,
    params: unknown[] = [],
  ) => withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const verify = () => withContext(t.app, () => t.app.get(AuditIntegrityService).verify());
  // More than two full insert chunks and a remainder: 200 + 200 + 32 + 16 + 2.
  const batch = (action: string, count = 450) =>
    Array.from({ length: count }, (_, n) => ({
      action,
      target: { type: 'license', id: `${action}-${n}` },
      organizationId: null,
    }));
  const recordMany = (inputs: ReturnType<typeof batch>) =>
    withContext(t.app, () => t.app.get(AuditService).recordMany(inputs));

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('writes every entry in the order given, each linked to the one before, and the chain verifies', async () => {
    await withContext(t.app, () => t.app.get(AuditService).record({ action: 'license.created', organizationId: null }));
    const [before] = await sql('select id, hash from audit_entries order by id desc limit 1');
    await recordMany(batch('license.imported'));

    const rows = await sql(
      `select id, prev_hash, hash, action, target_id from audit_entries where id > ? order by id`,
      [before.id],
    );
    expect(rows.map((row) => row.target_id)).toEqual(batch('license.imported').map((input) => input.target.id));
    expect(rows.map((row) => row.id)).toEqual(rows.map((_, n) => before.id + 1 + n));
    expect(rows[0].prev_hash).toBe(before.hash);
    for (let n = 1; n < rows.length; n++) expect(rows[n].prev_hash).toBe(rows[n - 1].hash);
    expect(await verify()).toMatchObject({ ok: true, entries: rows.length + before.id });
  });

  it('writes nothing of a batch when one of its statements fails, inside a caller’s transaction too', async () => {
    const run = Sql.prototype.run;
    let inserts = 0;
    jest.spyOn(Sql.prototype, 'run').mockImplementation(async function (this: Sql, ...args) {
      if (typeof args[0] === 'string' && args[0].startsWith('insert into audit_entries') && ++inserts === 3) {
        throw new Error('disk I/O error');
      }
      return (run as (...a: unknown[]) => Promise<unknown>).apply(this, args) as never;
    });
    await expect(recordMany(batch('license.refused'))).rejects.toThrow('disk I/O error');
    expect(inserts).toBe(3);

    inserts = 0;
    await expect(
      withContext(t.app, () =>
        t.app.get(EntityManager).transactional(async () => {
          await t.app.get(OrganizationsService).create('Refused Batch Org');
          await t.app.get(AuditService).recordMany(batch('license.refused'));
        }),
      ),
    ).rejects.toThrow('disk I/O error');
    jest.restoreAllMocks();

    expect(await sql(`select id from audit_entries where action = 'license.refused'`)).toEqual([]);
    expect(await sql(`select id from organizations where name = 'Refused Batch Org'`)).toEqual([]);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('refuses the whole batch before writing when one entry is not allowed', async () => {
    const inputs = batch('license.checked', 10);
    const bad = [...inputs.slice(0, 5), { ...inputs[5], details: { apiKey: 'x' } as never }, ...inputs.slice(6)];
    await expect(recordMany(bad)).rejects.toThrow(/secrets are never audited/);
    expect(await sql(`select id from audit_entries where action = 'license.checked'`)).toEqual([]);
  });

  it('re-reads the chain’s end and chains the whole batch again after another writer appended first', async () => {
    const [, beforeLast] = await sql('select id, hash from audit_entries order by id desc limit 2');
    const all = Sql.prototype.all;
    let stale = true;
    jest.spyOn(Sql.prototype, 'all').mockImplementation(async function (this: Sql, ...args) {
      const result = await (all as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      if (stale && typeof args[0] === 'string' && LAST_HASH.test(args[0])) {
        // The first read answers as if the newest entry were not there yet: the insert is a fork.
        stale = false;
        return [{ hash: beforeLast.hash }] as never;
      }
      return result as never;
    });
    await withContext(t.app, () =>
      t.app.get(EntityManager).transactional(async () => {
        await t.app.get(OrganizationsService).create('Retried Batch Org');
        await t.app.get(AuditService).recordMany(batch('license.retried', 250));
      }),
    );
    expect(stale).toBe(false);
    expect(await sql(`select id from audit_entries where action = 'license.retried'`)).toHaveLength(250);
    expect(await sql(`select id from organizations where name = 'Retried Batch Org'`)).toHaveLength(1);
    expect(await verify()).toMatchObject({ ok: true });
  });
});

describe('audit retention that removes every entry', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ AUDIT_RETENTION_DAYS: '1' });
  });
  afterAll(() => t.close());

  it('chains the next entry to the checkpoint, so the log still verifies', async () => {
    for (let i = 0; i < 3; i++) await createOrganization(t.app, `Short-lived ${i}`);
    t.clock.advance(3 * 86_400);
    expect((await t.app.get(JobsService).runNow('audit.retention', 'schedule')).counts).toEqual({ removed: 3 });
    await createOrganization(t.app, 'After the trim');
    const integrity = () => withContext(t.app, () => t.app.get(AuditIntegrityService).verify());
    expect(await integrity()).toEqual({ ok: true, entries: 2, checkpoints: 1 });

    // Once more, with the retention entry itself old enough to go.
    t.clock.advance(3 * 86_400);
    expect((await t.app.get(JobsService).runNow('audit.retention', 'schedule')).counts).toEqual({ removed: 2 });
    expect(await integrity()).toEqual({ ok: true, entries: 1, checkpoints: 2 });
  });
});

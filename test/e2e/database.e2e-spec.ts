import { EntityManager } from '@mikro-orm/better-sqlite';
import { currentRequestInfo, runWithRequestInfo } from '../../src/common/request-info';
import { AfterCommit } from '../../src/platform/database/after-commit';
import { withContext } from '../../src/platform/database/request-context';
import { Organization } from '../../src/modules/organizations/organization.entity';
import { createTestApp, type TestApp } from '../utils/test-app';

describe('the SQLite database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const pragma = (name: string) =>
    withContext(t.app, async () => {
      const rows = await t.app.get(EntityManager).execute<Record<string, unknown>[]>(`pragma ${name}`);
      return Object.values(rows[0])[0];
    });

  it('runs with WAL, full sync, foreign keys, a busy timeout and a 64 MiB cache', async () => {
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2); // FULL
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(await pragma('cache_size')).toBe(-65536);
  });

  it('has applied every committed migration at boot', async () => {
    const applied = await withContext(t.app, () =>
      t.app.get(EntityManager).execute<{ name: string }[]>('select name from mikro_orm_migrations'),
    );
    expect(applied.map((m) => m.name)).toContain('Migration20261126000000_initial');
  });

  it('refuses a duplicate email at the database level too', async () => {
    await expect(
      withContext(t.app, async () => {
        const em = t.app.get(EntityManager);
        const now = Date.now();
        const insert = `insert into people (id, created_at, updated_at, email, name, password_hash, role) values (?, ?, ?, ?, 'X', 'h', 'helpdesk')`;
        await em.execute(insert, ['a1', now, now, 'dup@example.test']);
        await em.execute(insert, ['a2', now, now, 'dup@example.test']);
      }),
    ).rejects.toThrow(/UNIQUE/);
  });

  it('stores a NUL from anywhere as U+FFFD instead of breaking the statement (raw SQL and entity flushes)', async () => {
    const rows = await withContext(t.app, async () => {
      const em = t.app.get(EntityManager);
      await em.execute(
        `insert into organizations (id, created_at, updated_at, name, name_key) values ('nul-raw', 1, 1, ?, ?)`,
        ['Raw\u0000Org', 'raw\u0000org'],
      );
      const org = new Organization('Flush\u0000Org');
      org.createdAt = org.updatedAt = new Date();
      await em.persistAndFlush(org);
      return em.execute<{ name: string }[]>(`select name from organizations where name like '%Org' order by name`);
    });
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['Raw\uFFFDOrg', 'Flush\uFFFDOrg']));
  });

  describe('work after the commit', () => {
    const afterCommit = () => t.app.get(AfterCommit);

    it('runs once the transaction commits, with the request info, and never after a rollback', async () => {
      const seen: string[] = [];
      await withContext(t.app, () =>
        runWithRequestInfo({ ip: '203.0.113.9' }, async () => {
          const em = t.app.get(EntityManager);
          await em.transactional(async () => {
            afterCommit().run(() => seen.push(`committed from ${currentRequestInfo().ip}`));
            expect(seen).toEqual([]);
          });
          await em
            .transactional(() => {
              afterCommit().run(() => seen.push('rolled back'));
              throw new Error('abort');
            })
            .catch(() => undefined);
        }),
      );
      await afterCommit().whenIdle();
      expect(seen).toEqual(['committed from 203.0.113.9']);
    });

    it('starts work for after the answer on a later turn of the event loop, and whenIdle waits for it', async () => {
      const seen: string[] = [];
      afterCommit().runAfterAnswer(async () => {
        seen.push('started');
        // It can use the database: it has a context of its own.
        const rows = await t.app.get(EntityManager).execute<{ one: number }[]>('select 1 as one');
        seen.push(`queried ${rows[0].one}`);
      });
      await Promise.resolve();
      expect(seen).toEqual([]);
      await afterCommit().whenIdle();
      expect(seen).toEqual(['started', 'queried 1']);
    });

    it('keeps going when a piece of work fails', async () => {
      const seen: string[] = [];
      afterCommit().run(() => {
        throw new Error('boom');
      });
      afterCommit().run(() => seen.push('next'));
      await afterCommit().whenIdle();
      expect(seen).toEqual(['next']);
    });
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { withContext } from '../../src/database/request-context';
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

  it('runs with the pragmas of DESIGN.md on its connection', async () => {
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
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { Sql } from '../../src/platform/database/sql';
import { createTestApp, type TestApp } from '../utils/test-app';

// The query layer binds parameters, keeps statements, and never runs inside
// a transaction that another request has open.
describe('the query layer (Sql)', () => {
  let t: TestApp;
  let sql: Sql;
  const inContext = <T>(fn: () => Promise<T>) =>
    new Promise<T>((resolve, reject) =>
      RequestContext.create(t.app.get(MikroORM).em, () => void fn().then(resolve, reject)),
    );

  beforeAll(async () => {
    t = await createTestApp();
    sql = t.app.get(Sql);
    await sql.run('create table sql_probe (id integer primary key, label text not null)');
  });
  afterAll(() => t.close());
  beforeEach(() => sql.run('delete from sql_probe'));

  it('stores text exactly as given: quotes, NUL and what looks like SQL stay data', async () => {
    const nasty = ["O'Brien", 'nul\u0000inside', "'); drop table sql_probe; --", '?', 'ünïcødé 🙂'];
    for (const label of nasty) await sql.run('insert into sql_probe (label) values (?)', [label]);
    const rows = await sql.all<{ label: string }>('select label from sql_probe order by id');
    expect(rows.map((r) => r.label)).toEqual(nasty);
  });

  it('binds dates as epoch milliseconds, booleans as 0/1 and undefined as NULL', async () => {
    const row = await sql.get<{ d: number; b: number; n: null }>('select ? as d, ? as b, ? as n', [
      new Date(1_700_000_000_000),
      true,
      undefined,
    ]);
    expect(row).toEqual({ d: 1_700_000_000_000, b: 1, n: null });
    expect(await sql.get('select 1 as x where 0')).toBeUndefined();
  });

  it('joins the caller’s transaction: a rollback takes its statements with it', async () => {
    const em = t.app.get(EntityManager);
    await expect(
      inContext(() =>
        em.transactional(async () => {
          await sql.run("insert into sql_probe (label) values ('rolled back')");
          expect(await sql.all('select id from sql_probe')).toHaveLength(1);
          throw new Error('undo');
        }),
      ),
    ).rejects.toThrow('undo');
    expect(await sql.all('select id from sql_probe')).toHaveLength(0);
  });

  it('keeps out of another request’s open transaction: no dirty read, and its own write survives that rollback', async () => {
    const em = t.app.get(EntityManager);
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = inContext(() =>
      em.transactional(async () => {
        await sql.run("insert into sql_probe (label) values ('uncommitted')");
        inside();
        await held;
        throw new Error('undo');
      }),
    ).catch(() => 'rolled back');
    await opened;
    // Another request while the first holds the connection: it waits, then sees only committed rows.
    const other = inContext(async () => {
      await sql.run("insert into sql_probe (label) values ('independent')");
      return sql.all<{ label: string }>('select label from sql_probe order by id');
    });
    release();
    expect(await first).toBe('rolled back');
    expect((await other).map((r) => r.label)).toEqual(['independent']);
  });

  it('counts the rows a statement changed', async () => {
    await sql.run("insert into sql_probe (label) values ('a'), ('b'), ('c')");
    expect(await sql.run("update sql_probe set label = 'z' where label <> 'c'")).toEqual({ changes: 2 });
  });
});

import { MikroORM } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { MigrationRunner } from '../../src/platform/database/database.module';
import { createTestApp, listen, type TestApp } from '../utils/test-app';

// /readyz tells a load balancer or monitor whether this instance can serve:
// the database answers and every migration is applied. /healthz only says the
// process lives.

describe('/readyz and /healthz on a database not yet migrated', () => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => {
    t = await createTestApp({}, { migrate: false });
    baseUrl = await listen(t);
  });
  afterAll(() => t.close());

  const ready = () => request(baseUrl).get('/readyz');

  it('is alive but not ready before any migration', async () => {
    expect((await request(baseUrl).get('/healthz')).status).toBe(200);
    expect((await ready()).status).toBe(503);
  });

  it('is still not ready with only some migrations applied', async () => {
    const migrator = t.app.get(MikroORM).getMigrator();
    const [first, ...rest] = await migrator.getPendingMigrations();
    expect(rest.length).toBeGreaterThan(0);
    await migrator.up({ to: first.name });
    expect(await t.app.get(MigrationRunner).pending()).toHaveLength(rest.length);
    expect((await ready()).status).toBe(503);
  });

  it('is ready once every migration is applied', async () => {
    await t.app.get(MigrationRunner).migrate();
    const res = await ready();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });
});

describe('/readyz after a normal start', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers 200 at once: the start applied the migrations', async () => {
    expect((await request(await listen(t)).get('/readyz')).status).toBe(200);
  });
});

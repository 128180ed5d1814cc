import { EntityManager } from '@mikro-orm/better-sqlite';
import request from 'supertest';
import { createPerson, type CreatedPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { Client } from '../utils/http';
import { createOperator, createTestApp, listen, type TestApp } from '../utils/test-app';

// Changing APP_SECRET signs everybody out: a session cookie made under the old
// secret means nothing to an app running with the new one, though the session
// row in the database is still there.

const SECRET_A = 'first-secret-for-seatdesk-e2e-0123456789abcdef';
const SECRET_B = 'second-secret-for-seatdesk-e2e-0123456789abcdef';

/** Signs in through the form and returns the session cookie (`name=value`). */
async function sessionCookie(baseUrl: string, person: CreatedPerson): Promise<string> {
  const res = await new Client(baseUrl).signIn(person.email, person.password);
  expect(res.status).toBe(303);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sd_session='));
  if (!cookie) throw new Error('The sign-in set no session cookie');
  return cookie.split(';')[0];
}

const dashboard = (baseUrl: string, cookie: string) =>
  request(baseUrl).get('/dashboard').set('Cookie', cookie).redirects(0);

describe('a changed APP_SECRET', () => {
  let first: TestApp;
  const others: TestApp[] = [];
  let people: CreatedPerson[];
  let cookies: string[];

  /** Another app on the same data directory (and so the same database). */
  async function sameDatabase(secret: string): Promise<string> {
    const app = await createTestApp({ APP_SECRET: secret }, { dataDir: first.dataDir });
    others.push(app);
    return listen(app);
  }

  beforeAll(async () => {
    first = await createTestApp({ APP_SECRET: SECRET_A });
    await createOperator(first);
    const baseUrl = await listen(first);
    people = [await createPerson(first.app, { role: 'member' }), await createPerson(first.app, { role: 'operator' })];
    cookies = [];
    for (const person of people) cookies.push(await sessionCookie(baseUrl, person));
  });
  afterAll(async () => {
    for (const app of others) await app.close();
    await first.close();
  });

  it('keeps people signed in on an app with the same secret (the control)', async () => {
    const same = await sameDatabase(SECRET_A);
    for (const cookie of cookies) expect((await dashboard(same, cookie)).status).toBe(200);
  });

  it('sends everybody to sign in on an app with another secret, and they can sign in again', async () => {
    const changed = await sameDatabase(SECRET_B);
    for (const cookie of cookies) {
      const res = await dashboard(changed, cookie);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
      // The refused cookie is cleared.
      expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n')).toMatch(/sd_session=;/);
    }
    // The sessions themselves were not ended: only the secret changed.
    const open = await withContext(first.app, () =>
      first.app.get(EntityManager).execute<{ n: number }[]>(
        `select count(*) as n from sessions where person_id in (?, ?) and ended_at is null`,
        people.map((p) => p.person.id),
      ),
    );
    expect(open[0].n).toBe(2);

    const again = await sessionCookie(changed, people[0]);
    expect((await dashboard(changed, again)).status).toBe(200);
  });
});

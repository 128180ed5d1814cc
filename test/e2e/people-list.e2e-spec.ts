import { EntityManager } from '@mikro-orm/better-sqlite';
import { randomUUID } from 'node:crypto';
import { createOrganization, createPerson, type CreatedPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { attrOf, pageLink, tableRows, textsOf, unescapeHtml } from '../utils/html';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// The org admin's people list: filters, sortable columns, keyset pages in
// every order, and the real state of each account beside it.
describe('people list (/org/users)', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let orgId: string;
  const people: Record<string, CreatedPerson> = {};

  const sql = (query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute(query, params));
  const now = () => +t.clock.now();
  const names = (html: string) => tableRows(html).map((cells) => cells[0]);
  const get = async (path: string) => {
    const res = await admin.client.get(path);
    expect(res.status).toBe(200);
    return res.text;
  };

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
    const org = await createOrganization(t.app, 'Northwind Clinics');
    orgId = org.id;
    admin = await signedIn(t, 'admin', { organization: org, name: 'Ada Admin' });
    for (const [key, name, role] of [
      ['bea', 'Bea Locked', 'member'],
      ['cal', 'Cal Disabled', 'member'],
      ['dee', 'Dee Secure', 'member'],
      ['eve', 'Eve Second Admin', 'admin'],
    ] as const) {
      people[key] = await createPerson(t.app, { role, organization: org, name });
    }
    await sql(
      'update people set locked_until = ?, failed_sign_ins = 5 where id = ?',
      now() + 15 * 60_000,
      people.bea.person.id,
    );
    await sql(`update people set status = 'disabled' where id = ?`, people.cal.person.id);
    await sql('update people set totp_enabled_at = ? where id = ?', now(), people.dee.person.id);
    await sql('update people set last_sign_in_at = ? where id = ?', now() - 3_600_000, people.eve.person.id);
    await sql('update people set last_sign_in_at = ? where id = ?', now() - 60_000, people.dee.person.id);
    // Another organization's people and install staff are never in this list.
    await createPerson(t.app, { role: 'member', name: 'Zed Elsewhere' });
    await createPerson(t.app, { role: 'helpdesk', name: 'Hal Helpdesk' });
  });
  afterAll(() => t.close());

  it('lists the organization by name, with each account state and two-factor beside it', async () => {
    const rows = tableRows(await get('/org/users'));
    const byName = new Map(rows.map((cells) => [cells[0], cells]));
    expect([...byName.keys()]).toEqual(['Ada Admin', 'Bea Locked', 'Cal Disabled', 'Dee Secure', 'Eve Second Admin']);
    expect(byName.get('Bea Locked')![3]).toMatch(/^Locked until /);
    expect(byName.get('Cal Disabled')![3]).toBe('Disabled');
    expect(byName.get('Ada Admin')![3]).toBe('Active');
    expect(byName.get('Dee Secure')![4]).toBe('On');
    expect(byName.get('Ada Admin')![4]).toBe('Off');
    expect(byName.get('Eve Second Admin')![2]).toBe('Organization admin');
  });

  it('filters by status, role and two-factor, shows each filter as a removable chip, and says when nobody matches', async () => {
    expect(names(await get('/org/users?status=locked'))).toEqual(['Bea Locked']);
    expect(names(await get('/org/users?status=disabled'))).toEqual(['Cal Disabled']);
    expect(names(await get('/org/users?status=active'))).toEqual(['Ada Admin', 'Dee Secure', 'Eve Second Admin']);
    expect(names(await get('/org/users?role=admin'))).toEqual(['Ada Admin', 'Eve Second Admin']);
    expect(names(await get('/org/users?twoFactor=on'))).toEqual(['Dee Secure']);

    const both = await get('/org/users?role=member&twoFactor=off');
    expect(names(both)).toEqual(['Bea Locked', 'Cal Disabled']);
    const chips = textsOf(both, '.app-chip');
    expect(chips).toEqual(['Members', 'Two-factor off']);
    // Removing one chip keeps the other.
    expect(unescapeHtml(attrOf(both, '.app-chip[aria-label="Remove filter: Members"]', 'href')!)).toBe(
      '/org/users?twoFactor=off',
    );

    // Once the lockout has run out the person is active again, without any job having run.
    t.clock.advance(16 * 60);
    try {
      expect(names(await get('/org/users?status=locked'))).toEqual([]);
      expect(await get('/org/users?status=locked')).toContain('Nobody in your organization matches these filters.');
    } finally {
      t.clock.advance(-16 * 60);
    }
  });

  it('ignores a filter value that is not one of the choices rather than failing', async () => {
    expect(names(await get('/org/users?status=everyone&role=operator&sort=password_hash&dir=sideways'))).toHaveLength(
      5,
    );
  });

  it('sorts by a column header and walks every order in keyset pages without gaps or repeats', async () => {
    // 60 more people: three pages of 25.
    const hash = (await sql('select password_hash as h from people where id = ?', admin.person.id))[0] as { h: string };
    for (let i = 0; i < 60; i++) {
      await sql(
        `insert into people (id, organization_id, email, name, password_hash, role, status, failed_sign_ins, lockouts,
                             last_sign_in_at, created_at, updated_at)
         values (?, ?, ?, ?, ?, 'member', 'active', 0, 0, ?, ?, ?)`,
        randomUUID(),
        orgId,
        `bulk${String(i).padStart(2, '0')}@example.test`,
        `Bulk Person ${String(i % 7)}`, // repeated names: the id breaks ties
        hash.h,
        i % 3 === 0 ? null : now() - 7_200_000 - i * 1000,
        now(),
        now(),
      );
    }
    const list = await get('/org/users');
    const header = attrOf(list, 'th a.app-sort[href*="sort=lastSignIn"]', 'href');
    expect(header).toBeDefined();

    const walk = async (start: string) => {
      const seen: string[] = [];
      let path: string | undefined = start;
      while (path) {
        const html = await get(unescapeHtml(path));
        seen.push(...tableRows(html).map((cells) => cells[1]));
        path = pageLink(html, 'next');
      }
      return seen;
    };
    for (const start of [
      '/org/users',
      '/org/users?sort=email&dir=desc',
      unescapeHtml(header!),
      '/org/users?sort=role',
    ]) {
      const emails = await walk(start);
      expect(emails).toHaveLength(65);
      expect(new Set(emails).size).toBe(65);
    }
    // Most recent sign-in first by default on that column (the admin has just signed in).
    const recent = tableRows(await get(unescapeHtml(header!)));
    expect(recent.slice(0, 3).map((cells) => cells[0])).toEqual(['Ada Admin', 'Dee Secure', 'Eve Second Admin']);
    const emailsDesc = await walk('/org/users?sort=email&dir=desc');
    expect(emailsDesc).toEqual([...emailsDesc].sort().reverse());

    // Going back from page 2 returns page 1 exactly.
    const first = await get('/org/users?sort=email');
    const second = await get(unescapeHtml(pageLink(first, 'next')!));
    const back = await get(unescapeHtml(pageLink(second, 'prev')!));
    expect(tableRows(back)).toEqual(tableRows(first));
  });
});

import { EntityManager } from '@mikro-orm/better-sqlite';
import { randomUUID } from 'node:crypto';
import { createOrganization } from '../../seeds/factories';
import { runWithRequestInfo } from '../../src/common/request-info';
import { withContext } from '../../src/platform/database/request-context';
import type { AuditEntryInput } from '../../src/platform/audit/audit.types';
import { AuditService } from '../../src/platform/audit/audit.service';
import { MailService } from '../../src/platform/mail/mail.service';
import type { Organization } from '../../src/modules/organizations/organization.entity';
import { attrsOf, currentNavHref, fieldValue, pageLink } from '../utils/html';
import { Client } from '../utils/http';
import { createTestApp, signedIn, TEST_START, type TestApp } from '../utils/test-app';

/** The entry ids listed on a page, in page order. */
function entryIds(html: string): number[] {
  return attrsOf(html, 'tr[data-entry-id]', 'data-entry-id').map(Number);
}

const link = (html: string, rel: 'next' | 'prev'): string | null => pageLink(html, rel) ?? null;

/** RFC 4180, enough for the tests: quoted fields with doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

const day = (date: string, time = '12:00:00') => Date.parse(`${date}T${time}Z`);

describe('audit log pages (/admin/audit, /org/audit) and CSV export', () => {
  let t: TestApp;
  let operator: Client;
  let adminA: Client;
  let alpha: Organization;
  let beta: Organization;
  const alice = { type: 'person' as const, id: randomUUID(), label: 'alice@alpha.test' };
  const bob = { type: 'person' as const, id: randomUUID(), label: 'bob@beta.test' };
  const sweeper = { type: 'system' as const, id: null, label: 'job:device.sweep' };
  const deviceId = randomUUID();
  const ids: Record<string, number> = {};

  const audit = () => t.app.get(AuditService);
  async function record(at: number, input: AuditEntryInput, name?: string): Promise<void> {
    t.clock.set(at);
    await runWithRequestInfo({ ip: '203.0.113.7', userAgent: 'AuditTest/1.0 (X11)' }, () =>
      withContext(t.app, () => audit().record(input)),
    );
    if (name) {
      const [row] = await withContext(t.app, () =>
        t.app.get(EntityManager).execute<{ id: number }[]>('select max(id) as id from audit_entries'),
      );
      ids[name] = row.id;
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    operator = (await signedIn(t, 'operator')).client;
    alpha = await createOrganization(t.app, 'Alpha Audit Ltd');
    beta = await createOrganization(t.app, 'Beta Audit Ltd');
    adminA = (await signedIn(t, 'admin', { organization: alpha })).client;

    await record(
      day('2026-11-20'),
      {
        action: 'license.created',
        actor: alice,
        target: { type: 'license', id: 'lic-1', label: 'Pro, 10 seats' },
        organizationId: alpha.id,
        details: { seats: 10, product: 'pro' },
      },
      'licenseCreated',
    );
    await record(
      day('2026-11-21'),
      {
        action: 'device.activated',
        actor: bob,
        target: { type: 'device', id: deviceId, label: 'BOB-LAPTOP' },
        organizationId: beta.id,
      },
      'deviceActivated',
    );
    await record(
      day('2026-11-22', '00:00:00'),
      {
        action: 'auth.login.failed',
        outcome: 'failure',
        actor: alice,
        target: { type: 'person', id: alice.id, label: alice.label },
        organizationId: alpha.id,
        details: { reason: 'wrong_password' },
      },
      'loginFailed',
    );
    await record(
      day('2026-11-22', '23:59:59'),
      {
        action: 'auth.lockout.started',
        outcome: 'denied',
        actor: alice,
        target: { type: 'person', id: alice.id, label: alice.label },
        organizationId: alpha.id,
      },
      'lockout',
    );
    await record(
      day('2026-11-23'),
      {
        action: 'ticket.created',
        actor: alice,
        target: { type: 'ticket', id: 't-1', label: '=HYPERLINK("x")' },
        organizationId: alpha.id,
      },
      'formulaTicket',
    );
    await record(
      day('2026-11-23', '13:00:00'),
      {
        action: 'ticket.created',
        actor: bob,
        target: { type: 'ticket', id: 't-2', label: 'Beta private ticket' },
        organizationId: beta.id,
      },
      'betaTicket',
    );
    // Enough for three pages: 50 + 50 + 20.
    t.clock.set(day('2026-11-24', '08:00:00'));
    await withContext(t.app, async () => {
      for (let n = 1; n <= 120; n++) {
        t.clock.advance(1);
        await audit().record({
          action: 'device.checked',
          actor: sweeper,
          target: { type: 'device', id: `dev-${n}`, label: `Device ${n}` },
          organizationId: n % 2 ? alpha.id : beta.id,
        });
      }
    });
    t.clock.set(TEST_START);
  });
  afterAll(() => t.close());

  describe('the operator list', () => {
    it('lists entries newest first with time, actor, action, target, organization, outcome and address', async () => {
      const res = await operator.get('/admin/audit?action=ticket.created');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<title>Audit log · SeatDesk</title>');
      expect(entryIds(res.text)).toEqual([ids.betaTicket, ids.formulaTicket]);
      expect(res.text).toContain('<time datetime="2026-11-23T13:00:00.000Z"');
      expect(res.text).toContain('Beta private ticket');
      expect(res.text).toContain('Alpha Audit Ltd');
      expect(res.text).toContain('Beta Audit Ltd');
      expect(res.text).toContain('203.0.113.7');
      expect(res.text).toContain('<span class="badge bg-green-lt">Success</span>');
      expect(res.text).toContain(`href="/admin/audit/${ids.betaTicket}"`);
      // The navigation offers the page to operators.
      expect(currentNavHref(res.text)).toBe('/admin/audit');
    });

    it('shows failures in red and denials in yellow', async () => {
      const failed = await operator.get('/admin/audit?outcome=failure&actor=alice@alpha.test');
      expect(entryIds(failed.text)).toEqual([ids.loginFailed]);
      expect(failed.text).toContain('<span class="badge bg-red-lt">Failure</span>');
      const denied = await operator.get('/admin/audit?outcome=denied');
      expect(entryIds(denied.text)).toEqual([ids.lockout]);
      expect(denied.text).toContain('<span class="badge bg-yellow-lt">Denied</span>');
    });

    it('filters by actor: email in any case, or the actor id, or a system actor by name', async () => {
      const alices = [ids.formulaTicket, ids.lockout, ids.loginFailed, ids.licenseCreated];
      expect(entryIds((await operator.get('/admin/audit?actor=ALICE%40Alpha.test')).text)).toEqual(alices);
      expect(entryIds((await operator.get(`/admin/audit?actor=${alice.id}`)).text)).toEqual(alices);
      expect(entryIds((await operator.get(`/admin/audit?actor=${bob.id}`)).text)).toEqual([
        ids.betaTicket,
        ids.deviceActivated,
      ]);
      expect(entryIds((await operator.get('/admin/audit?actor=job:device.sweep')).text)).toHaveLength(50);
      expect(entryIds((await operator.get('/admin/audit?actor=nobody@alpha.test')).text)).toEqual([]);
    });

    it('filters by exact action, and by a prefix ending in . or *', async () => {
      expect(entryIds((await operator.get('/admin/audit?action=license.created')).text)).toEqual([ids.licenseCreated]);
      const prefixed = entryIds((await operator.get('/admin/audit?action=auth.&actor=alice@alpha.test')).text);
      expect(prefixed).toEqual([ids.lockout, ids.loginFailed]);
      expect(entryIds((await operator.get('/admin/audit?action=auth*&actor=alice@alpha.test')).text)).toEqual(prefixed);
      // The operator's own sign-in is an auth. action too; licenses are not.
      const everyAuth = entryIds((await operator.get('/admin/audit?action=auth.')).text);
      expect(everyAuth).toEqual(expect.arrayContaining([ids.lockout, ids.loginFailed]));
      expect(everyAuth).not.toContain(ids.licenseCreated);
      expect(everyAuth).toEqual([...everyAuth].sort((a, b) => b - a));
      // A prefix is a range: "auth" alone is an exact action that does not exist.
      expect(entryIds((await operator.get('/admin/audit?action=auth')).text)).toEqual([]);
      expect(entryIds((await operator.get('/admin/audit?action=nothing.')).text)).toEqual([]);
    });

    it('filters by target id, or type:id', async () => {
      expect(entryIds((await operator.get(`/admin/audit?target=${deviceId}`)).text)).toEqual([ids.deviceActivated]);
      expect(entryIds((await operator.get(`/admin/audit?target=device:${deviceId}`)).text)).toEqual([
        ids.deviceActivated,
      ]);
      expect(entryIds((await operator.get(`/admin/audit?target=license:${deviceId}`)).text)).toEqual([]);
      expect(entryIds((await operator.get('/admin/audit?target=ticket:t-1')).text)).toEqual([ids.formulaTicket]);
    });

    it('filters by a date range in UTC, the end date included whole', async () => {
      const range = entryIds((await operator.get('/admin/audit?from=2026-11-21&to=2026-11-22')).text);
      expect(range).toEqual([ids.lockout, ids.loginFailed, ids.deviceActivated]);
      expect(entryIds((await operator.get('/admin/audit?to=2026-11-20')).text)).toContain(ids.licenseCreated);
      expect(entryIds((await operator.get('/admin/audit?to=2026-11-20')).text)).not.toContain(ids.deviceActivated);
      // datetime-local values: to the minute, the end minute included.
      expect(entryIds((await operator.get('/admin/audit?from=2026-11-22T00:00&to=2026-11-22T23:59')).text)).toEqual([
        ids.lockout,
        ids.loginFailed,
      ]);
      expect(entryIds((await operator.get('/admin/audit?from=2026-11-22T00:01&to=2026-11-23')).text)).toEqual([
        ids.betaTicket,
        ids.formulaTicket,
        ids.lockout,
      ]);
      expect(entryIds((await operator.get('/admin/audit?from=2030-01-01')).text)).toEqual([]);
      expect(entryIds((await operator.get('/admin/audit?to=2000-01-01')).text)).toEqual([]);
    });

    it('combines filters and shows each as a chip that removes it', async () => {
      const res = await operator.get('/admin/audit?actor=alice@alpha.test&action=auth.&outcome=denied');
      expect(entryIds(res.text)).toEqual([ids.lockout]);
      expect(fieldValue(res.text, 'actor')).toBe('alice@alpha.test');
      expect(fieldValue(res.text, 'outcome')).toBe('denied');
      const chips = attrsOf(res.text, 'a.tag.app-chip', 'href');
      expect(chips).toEqual([
        '/admin/audit?action=auth.&outcome=denied',
        '/admin/audit?actor=alice%40alpha.test&outcome=denied',
        '/admin/audit?actor=alice%40alpha.test&action=auth.',
      ]);
      expect(entryIds((await operator.get(chips[2])).text)).toEqual([ids.lockout, ids.loginFailed]);
      // The CSV link carries the same filters.
      expect(res.text.replace(/&#x3D;/g, '=')).toContain(
        'href="/admin/audit.csv?actor=alice%40alpha.test&amp;action=auth.&amp;outcome=denied"',
      );
    });

    it('pages through more than 50 entries with Next and Previous, without repeats', async () => {
      const pages: number[][] = [];
      let path: string | null = '/admin/audit?action=device.checked';
      const visited: string[] = [];
      while (path) {
        const res = await operator.get(path);
        expect(res.status).toBe(200);
        pages.push(entryIds(res.text));
        visited.push(path);
        path = link(res.text, 'next');
        if (path) expect(path).toContain('action=device.checked');
      }
      expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
      const all = pages.flat();
      expect(new Set(all).size).toBe(120);
      expect(all).toEqual([...all].sort((a, b) => b - a));
      expect(link((await operator.get(visited[0])).text, 'prev')).toBeNull();

      // Back from the last page gives the middle page again, then the first.
      const middle = link((await operator.get(visited[2])).text, 'prev')!;
      const middlePage = await operator.get(middle);
      expect(entryIds(middlePage.text)).toEqual(pages[1]);
      const first = await operator.get(link(middlePage.text, 'prev')!);
      expect(entryIds(first.text)).toEqual(pages[0]);
      expect(link(first.text, 'prev')).toBeNull();
      expect(link(first.text, 'next')).not.toBeNull();
    });

    it('pages the unfiltered log too, and treats a tampered cursor as the first page', async () => {
      const first = await operator.get('/admin/audit');
      const next = await operator.get(link(first.text, 'next')!);
      const overlap = entryIds(first.text).filter((id) => entryIds(next.text).includes(id));
      expect(overlap).toEqual([]);
      expect(Math.min(...entryIds(first.text))).toBeGreaterThan(Math.max(...entryIds(next.text)));
      const tampered = await operator.get('/admin/audit?after=not-a-cursor');
      expect(tampered.status).toBe(200);
      expect(entryIds(tampered.text)).toEqual(entryIds(first.text));
    });

    it('refuses bad filter values with a 400 page, the message beside the field and the input kept', async () => {
      const badDate = await operator.get('/admin/audit?from=yesterday&actor=alice@alpha.test');
      expect(badDate.status).toBe(400);
      expect(badDate.text).toMatch(/id="field-from" name="from" value="yesterday"/);
      expect(badDate.text).toMatch(/class="form-control is-invalid" id="field-from"/);
      expect(badDate.text).toContain('Enter a date as YYYY-MM-DD');
      expect(badDate.text).toContain('value="alice@alpha.test"');
      expect(badDate.text).toContain('href="#field-from"');
      expect(entryIds(badDate.text)).toEqual([]);
      expect(badDate.text).not.toContain('Download CSV');

      const badOutcome = await operator.get('/admin/audit?outcome=maybe');
      expect(badOutcome.status).toBe(400);
      expect(badOutcome.text).toContain('Choose success, failure or denied.');
      expect(badOutcome.text).toContain('<option value="maybe" selected>');

      const impossible = await operator.get('/admin/audit?to=2026-02-30');
      expect(impossible.status).toBe(400);
      const reversed = await operator.get('/admin/audit?from=2026-11-23&to=2026-11-21');
      expect(reversed.status).toBe(400);
      expect(reversed.text).toContain('The end of the range is before its start.');
      const badAction = await operator.get('/admin/audit?action=DROP%20TABLE');
      expect(badAction.status).toBe(400);
      expect(badAction.text).toMatch(/class="form-control is-invalid" id="field-action"/);
      expect((await operator.get('/admin/audit.csv?from=yesterday')).status).toBe(400);
    });
  });

  describe('an entry', () => {
    it('shows everything recorded, details and user agent included', async () => {
      const res = await operator.get(`/admin/audit/${ids.licenseCreated}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`Audit entry #${ids.licenseCreated}`);
      expect(res.text).toContain('2026-11-20T12:00:00.000Z');
      expect(res.text).toContain('alice@alpha.test');
      expect(res.text).toContain('Pro, 10 seats');
      expect(res.text).toContain('Alpha Audit Ltd');
      expect(res.text).toContain('AuditTest/1.0 (X11)');
      expect(res.text).toContain('203.0.113.7');
      expect(res.text).toMatch(/<code>seats<\/code><\/td><td class="text-break">10<\/td>/);
      expect(res.text).toMatch(/<code>product<\/code><\/td><td class="text-break">pro<\/td>/);
      expect(res.text).toMatch(/Entry hash<\/dt>\s*<dd[^>]*><code>[0-9a-f]{64}<\/code>/);
      expect(res.text).toContain('href="/admin/audit?actor&#x3D;alice%40alpha.test"');
      // No stray page-header button: the page's only primary action would be one it names.
      expect(res.text).not.toMatch(/class="btn btn-primary">\s*<\/a>/);
    });

    it('is 404 when it does not exist or the id is not a number', async () => {
      expect((await operator.get('/admin/audit/999999')).status).toBe(404);
      expect((await operator.get('/admin/audit/abc')).status).toBe(404);
    });
  });

  describe("an org admin's log", () => {
    it("lists only their organization's entries, whatever the query says", async () => {
      const res = await adminA.get('/org/audit?to=2026-11-23');
      expect(res.status).toBe(200);
      const listed = entryIds(res.text);
      expect(listed).toEqual(expect.arrayContaining([ids.formulaTicket, ids.lockout]));
      expect(listed).not.toContain(ids.betaTicket);
      expect(res.text).not.toContain('Beta private ticket');
      expect(res.text).not.toContain('<th scope="col">Organization</th>');
      expect(currentNavHref(res.text)).toBe('/org/audit');

      for (const sneaky of [`org=${beta.id}`, `organization=${beta.id}`, `organizationId=${beta.id}`]) {
        const other = await adminA.get(`/org/audit?action=ticket.created&${sneaky}`);
        expect(entryIds(other.text)).toEqual([ids.formulaTicket]);
      }
      expect(entryIds((await adminA.get(`/org/audit?actor=${bob.id}`)).text)).toEqual([]);
      expect(entryIds((await adminA.get(`/org/audit?target=device:${deviceId}`)).text)).toEqual([]);
      expect(entryIds((await adminA.get('/org/audit?action=auth.&outcome=failure')).text)).toEqual([ids.loginFailed]);
    });

    it('pages within the organization: 60 of the 120 sweeps, in two pages', async () => {
      const first = await adminA.get('/org/audit?action=device.checked');
      const second = await adminA.get(link(first.text, 'next')!);
      expect(entryIds(first.text)).toHaveLength(50);
      expect(entryIds(second.text)).toHaveLength(10);
      expect(link(second.text, 'next')).toBeNull();
      expect(entryIds((await adminA.get(link(second.text, 'prev')!)).text)).toEqual(entryIds(first.text));
    });

    it("shows their entries, and 404 for another organization's", async () => {
      const mine = await adminA.get(`/org/audit/${ids.lockout}`);
      expect(mine.status).toBe(200);
      expect(mine.text).toContain('auth.lockout.started');
      expect(mine.text).not.toContain('Entry hash');
      const theirs = await adminA.get(`/org/audit/${ids.betaTicket}`);
      expect(theirs.status).toBe(404);
      expect(theirs.text).not.toContain('Beta private ticket');
    });
  });

  describe('who may open the pages', () => {
    it.each(['member', 'helpdesk', 'admin'] as const)('refuses /admin/audit and its CSV to a %s', async (role) => {
      const { client } = await signedIn(t, role);
      expect((await client.get('/admin/audit')).status).toBe(403);
      expect((await client.get('/admin/audit.csv')).status).toBe(403);
      expect((await client.get(`/admin/audit/${ids.licenseCreated}`)).status).toBe(403);
    });

    it.each(['member', 'helpdesk', 'operator'] as const)('refuses /org/audit and its CSV to a %s', async (role) => {
      const { client } = await signedIn(t, role, role === 'member' ? { organization: alpha } : {});
      expect((await client.get('/org/audit')).status).toBe(403);
      expect((await client.get('/org/audit.csv')).status).toBe(403);
      expect((await client.get(`/org/audit/${ids.lockout}`)).status).toBe(403);
    });

    it('sends a signed-out visitor to sign in', async () => {
      const res = await new Client(t.server).get('/admin/audit.csv');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/admin/audit.csv')}`);
    });
  });

  describe('CSV export', () => {
    it('streams the filtered rows as an attachment, ISO times, formulas defused', async () => {
      const res = await operator.get('/admin/audit.csv?action=ticket.created').buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="audit-20261126.csv"');
      const text = res.text;
      expect(text.split('\r\n')[0]).toBe(
        'id,time,actor_type,actor_id,actor,action,target_type,target_id,target,organization_id,organization,outcome,ip,user_agent,details',
      );
      expect(text).toContain(`"'=HYPERLINK(""x"")"`);
      const [header, ...rows] = parseCsv(text);
      expect(rows).toHaveLength(2);
      const at = (name: string) => header.indexOf(name);
      expect(rows.map((r) => Number(r[at('id')]))).toEqual([ids.betaTicket, ids.formulaTicket]);
      expect(rows[1][at('time')]).toBe('2026-11-23T12:00:00.000Z');
      expect(rows[1][at('target')]).toBe(`'=HYPERLINK("x")`);
      expect(rows[1][at('organization')]).toBe('Alpha Audit Ltd');
      expect(rows[0][at('organization')]).toBe('Beta Audit Ltd');
      expect(rows[1][at('user_agent')]).toBe('AuditTest/1.0 (X11)');
    });

    it('writes every entry across batches of a thousand, newest first', async () => {
      t.clock.set(day('2026-11-25'));
      await withContext(t.app, async () => {
        for (let n = 0; n < 1234; n++) {
          t.clock.advance(1);
          await audit().record({ action: 'license.renewed', actor: sweeper, organizationId: alpha.id });
        }
      });
      t.clock.set(TEST_START);
      const res = await operator.get('/admin/audit.csv?action=license.').buffer(true);
      const [, ...rows] = parseCsv(res.text);
      expect(rows).toHaveLength(1235);
      const numbers = rows.map((r) => Number(r[0]));
      expect(new Set(numbers).size).toBe(1235);
      expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
      expect(numbers[numbers.length - 1]).toBe(ids.licenseCreated);
    });

    it("gives an org admin their organization's rows only, without organization columns", async () => {
      const res = await adminA.get(`/org/audit.csv?action=ticket.created&org=${beta.id}`).buffer(true);
      expect(res.status).toBe(200);
      const [header, ...rows] = parseCsv(res.text);
      expect(header).not.toContain('organization');
      expect(header).not.toContain('organization_id');
      expect(rows.map((r) => Number(r[0]))).toEqual([ids.formulaTicket]);
      expect(res.text).not.toContain('Beta private ticket');
      const all = parseCsv((await adminA.get('/org/audit.csv').buffer(true)).text).slice(1);
      expect(all.length).toBeGreaterThan(1000);
      expect(all.map((r) => Number(r[0]))).not.toContain(ids.betaTicket);
      expect(all.map((r) => Number(r[0]))).not.toContain(ids.deviceActivated);
    });
  });

  describe("staff and an organization's log", () => {
    const sql = <T>(query: string, params: unknown[] = []) =>
      withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));

    it("keeps an operator's mail actions and own changes out of the organization they belong to", async () => {
      // Setup used to put the first operator in the install's organization (here Alpha): data from before
      // the migration that detaches staff, or a row edited by hand, must still not file their entries there.
      const staff = await signedIn(t, 'operator', { name: 'Staff Operator' });
      await sql('update people set organization_id = ? where id = ?', [alpha.id, staff.person.id]);
      const admin = await signedIn(t, 'admin', { organization: alpha, name: 'Alpha Admin' });
      const to = 'someone@elsewhere-org.test';
      expect((await staff.client.submit('/admin/mail/test', { to })).status).toBe(303);
      await t.app.get(MailService).whenIdle();
      const [{ id: mailId }] = await sql<{ id: number }>(
        'select max(id) as id from mail_messages where recipient = ?',
        [to],
      );
      await sql(`update mail_messages set status = 'failed', last_error = 'test' where id = ?`, [mailId]);
      expect((await staff.client.submit('/admin/mail', {}, `/admin/mail/${mailId}/resend`)).status).toBe(303);
      await t.app.get(MailService).whenIdle();
      expect((await staff.client.submit('/account', { name: 'Staff Renamed' }, '/account/profile')).status).toBe(303);
      expect((await admin.client.submit('/account', { name: 'Admin Renamed' }, '/account/profile')).status).toBe(303);

      const staffEntries = await sql<{ id: number; action: string; organization_id: string | null }>(
        `select id, action, organization_id from audit_entries
          where actor_id = ? and action in ('mail.test_sent', 'mail.resent', 'user.updated') order by id`,
        [staff.person.id],
      );
      expect(staffEntries.map((e) => e.action)).toEqual(['mail.test_sent', 'mail.resent', 'user.updated']);
      const [adminUpdate] = await sql<{ id: number; organization_id: string | null }>(
        `select id, organization_id from audit_entries where actor_id = ? and action = 'user.updated'`,
        [admin.person.id],
      );
      expect(adminUpdate.organization_id).toBe(alpha.id);

      for (const client of [adminA, admin.client]) {
        const mail = await client.get('/org/audit?action=mail.');
        expect(mail.status).toBe(200);
        expect(entryIds(mail.text)).toEqual([]);
        expect(mail.text).not.toContain(to);
        const updates = entryIds((await client.get('/org/audit?action=user.updated')).text);
        expect(updates).toContain(adminUpdate.id);
        for (const entry of staffEntries) {
          expect(updates).not.toContain(entry.id);
          expect((await client.get(`/org/audit/${entry.id}`)).status).toBe(404);
        }
        const csv = (await client.get('/org/audit.csv').buffer(true)).text;
        expect(csv).not.toContain(to);
        const exported = parseCsv(csv).map((r) => Number(r[0]));
        expect(exported).toContain(adminUpdate.id);
        for (const entry of staffEntries) expect(exported).not.toContain(entry.id);
      }

      // Nor do the operator's sign-ins, failed sign-ins and sign-outs; the admin's do.
      expect((await new Client(t.server).signIn(staff.email, 'not-the-staff-password-1')).status).toBe(401);
      await staff.client.signOut();
      const comings = await sql<{ actorId: string | null; action: string; organization_id: string | null }>(
        `select actor_id as actorId, action, organization_id from audit_entries
          where target_id in (?, ?) and action in ('auth.login.succeeded', 'auth.login.failed', 'auth.logout')`,
        [staff.person.id, admin.person.id],
      );
      for (const entry of comings) {
        const expected = entry.actorId === admin.person.id ? alpha.id : null;
        expect([entry.action, entry.organization_id]).toEqual([entry.action, expected]);
      }
      expect(new Set(comings.map((e) => e.action))).toEqual(
        new Set(['auth.login.succeeded', 'auth.login.failed', 'auth.logout']),
      );

      // The operators' log has them, filed under no organization.
      const operatorView = entryIds((await operator.get('/admin/audit?action=mail.')).text);
      expect(operatorView).toEqual(
        expect.arrayContaining(staffEntries.filter((e) => e.action.startsWith('mail.')).map((e) => e.id)),
      );
      expect(staffEntries.every((e) => e.organization_id === null)).toBe(true);
    });
  });
});

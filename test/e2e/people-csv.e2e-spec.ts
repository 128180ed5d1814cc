import { EntityManager } from '@mikro-orm/better-sqlite';
import { parse } from 'csv-parse/sync';
import { createOrganization, createPerson } from '../../seeds/factories';
import { AuditIntegrityService } from '../../src/platform/audit/audit-integrity.service';
import { AfterCommit } from '../../src/platform/database/after-commit';
import { withContext } from '../../src/platform/database/request-context';
import { MailService } from '../../src/platform/mail/mail.service';
import { InputRefused } from '../../src/common/errors/app-error';
import { InvitationsService } from '../../src/modules/people/invitations.service';
import { Client, csrfFrom } from '../utils/http';
import { all, attrOf, pageText, tableRows } from '../utils/html';
import { mailFiles } from '../utils/mail';
import { createOperator, createTestApp, signedIn, TEST_START, type TestApp } from '../utils/test-app';
import { randomUUID } from 'node:crypto';

// Org admins import people from a CSV (checked first, then all or nothing,
// each invited by email) and download the people list as CSV.
describe('people CSV (/org/users/import, /org/users.csv)', () => {
  let t: TestApp;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));
  const peopleIn = async (orgId: string) =>
    await sql<{ email: string; status: string }>(
      'select email, status from people where organization_id = ? order by email',
      orgId,
    );
  const auditCount = async (action: string, orgId: string) =>
    (
      await sql<{ n: number }>(
        'select count(*) as n from audit_entries where action = ? and organization_id = ?',
        action,
        orgId,
      )
    )[0].n;

  async function orgWithAdmin(name: string) {
    const org = await createOrganization(t.app, name);
    const admin = await signedIn(t, 'admin', { organization: org, name: `${name} Admin` });
    return { org, admin };
  }
  const check = (client: Client, csv: string) => client.submit('/org/users/import', { csv, step: 'check' });
  const importCsv = (client: Client, csv: string) => client.submit('/org/users/import', { csv, step: 'import' });
  /** Follows an import to its status page once the work after the answer is done. */
  async function finished(client: Client, location: string) {
    await t.app.get(AfterCommit).whenIdle();
    return client.get(location);
  }

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('the check reports every bad row kind with its line, and writes nothing', async () => {
    const { org, admin } = await orgWithAdmin('Checkers');
    const csv = [
      'email,name,role',
      'ok@example.test,Okay Person,member',
      'dup@example.test,First,member',
      'dup@example.test,Second,admin',
      'not-an-address,Bad Address,member',
      `${admin.email},Already Here,member`,
      'role@example.test,Unknown Role,owner',
      'staff@example.test,Staff Role,operator',
      'formula@example.test,"=cmd|\' /C calc\'!A0",member',
      'noname@example.test,,',
    ].join('\n');
    const res = await check(admin.client, csv);
    expect(res.status).toBe(400);
    expect(pageText(res.text)).toContain('6 of 9 rows cannot be imported. Nothing was imported');
    const rows = tableRows(res.text, 'table[data-report="rows"]');
    expect(rows.map((row) => [row[0], row[1]])).toEqual([
      ['4', 'dup@example.test'],
      ['5', 'not-an-address'],
      ['6', admin.email],
      ['7', 'role@example.test'],
      ['8', 'staff@example.test'],
      ['9', 'formula@example.test'],
    ]);
    const problems = Object.fromEntries(rows.map((row) => [row[0], row[2]]));
    expect(problems['4']).toContain('This address is already on line 3 of the file.');
    expect(problems['5']).toContain('Enter an email address like name@example.com.');
    expect(problems['6']).toContain('A person with this email address already exists.');
    expect(problems['7']).toContain('Unknown role “owner”');
    expect(problems['8']).toContain('You can invite people as admin or member only.');
    expect(problems['9']).toContain('spreadsheet would run it as a formula');
    // Importing the same file is refused as a whole.
    const refused = await importCsv(admin.client, csv);
    expect(refused.status).toBe(400);
    expect(await peopleIn(org.id)).toEqual([{ email: admin.email, status: 'active' }]);
    expect(await auditCount('user.invited', org.id)).toBe(0);
  });

  it('imports a good file: everyone invited and mailed, one user.imported entry', async () => {
    const { org, admin } = await orgWithAdmin('Importers');
    const csv = 'email,name,role\r\nann@example.test,Ann,member\r\nbob@example.test,,admin\r\ncy@example.test,Cy,\r\n';
    const checked = await check(admin.client, csv);
    expect(checked.status).toBe(200);
    expect(pageText(checked.text)).toContain('All 3 people can be imported. Nothing has been written yet');
    expect(await peopleIn(org.id)).toHaveLength(1);

    const started = await importCsv(admin.client, csv);
    expect(started.status).toBe(303);
    expect(started.headers.location).toMatch(/^\/org\/users\/import\/[0-9a-f-]{36}$/);
    const status = await finished(admin.client, started.headers.location);
    expect(pageText(status.text)).toContain('Imported 3 people. Each has been sent an invitation');
    expect(status.text).not.toContain('http-equiv="refresh"');
    expect(await peopleIn(org.id)).toEqual([
      { email: admin.email, status: 'active' },
      { email: 'ann@example.test', status: 'invited' },
      { email: 'bob@example.test', status: 'invited' },
      { email: 'cy@example.test', status: 'invited' },
    ]);
    await t.app.get(MailService).whenIdle();
    const mails = await mailFiles(t.dataDir);
    for (const email of ['ann@example.test', 'bob@example.test', 'cy@example.test']) {
      expect(mails.filter((mail) => mail.to.includes(email)).map((mail) => mail.subject)).toEqual([
        'You are invited to Importers on SeatDesk',
      ]);
    }
    expect(await auditCount('user.invited', org.id)).toBe(3);
    const [imported] = await sql<{ details: string }>(
      `select details from audit_entries where action = 'user.imported' and organization_id = ?`,
      org.id,
    );
    expect(JSON.parse(imported.details)).toMatchObject({ imported: 3 });

    // Another organization's admin does not see this import.
    const other = await orgWithAdmin('Outsiders');
    expect((await other.admin.client.get(started.headers.location)).status).toBe(404);
  });

  it('takes the file as an upload too (multipart), up to 2 MB', async () => {
    const { org, admin } = await orgWithAdmin('Uploaders');
    const upload = async (content: Buffer, step = 'check') => {
      const form = await admin.client.get('/org/users/import');
      return admin.client.agent
        .post('/org/users/import')
        .field('_csrf', csrfFrom(form.text))
        .field('step', step)
        .attach('csvFile', content, { filename: 'people.csv', contentType: 'text/csv' })
        .redirects(0);
    };
    const csv = Buffer.from('\uFEFFemail,name,role\r\nuploaded@example.test,Up Loaded,member\r\n');
    const checked = await upload(csv);
    expect(checked.status).toBe(200);
    expect(pageText(checked.text)).toContain('All 1 people can be imported.');
    // The confirmation carries the file's text on to the import step.
    const started = await importCsv(
      admin.client,
      '\uFEFFemail,name,role\r\nuploaded@example.test,Up Loaded,member\r\n',
    );
    expect(started.status).toBe(303);
    await finished(admin.client, started.headers.location);
    expect((await peopleIn(org.id)).map((p) => p.email)).toContain('uploaded@example.test');

    const tooLarge = await upload(Buffer.alloc(2_000_001, 'a'));
    expect(tooLarge.status).toBe(400);
    expect(pageText(tooLarge.text)).toContain('The file is too large: upload at most 2 MB at a time.');
  });

  it('writes nothing when one row of the import turns bad between the check and the import', async () => {
    const { org, admin } = await orgWithAdmin('Racers');
    const csv = 'email,name,role\nfirst@example.test,First,member\nlate-taken@example.test,Taken,member\n';
    expect((await check(admin.client, csv)).status).toBe(200);
    // Someone takes an address after the check: the import refuses the whole file.
    await createPerson(t.app, { role: 'member', email: 'late-taken@example.test' });
    const refused = await importCsv(admin.client, csv);
    expect(refused.status).toBe(400);
    expect(pageText(refused.text)).toContain('A person with this email address already exists.');
    expect(await peopleIn(org.id)).toEqual([{ email: admin.email, status: 'active' }]);
  });

  it('the import is one transaction: a row refused while writing leaves nothing of the others', async () => {
    const { org, admin } = await orgWithAdmin('Atomic');
    await createPerson(t.app, { role: 'member', email: 'taken-meanwhile@example.test' });
    const invitations = t.app.get(InvitationsService);
    const by = { personId: admin.person.id, organizationId: org.id, grantable: ['admin', 'member'] as const };
    // Rows already checked, as the import hands them over; the last address was taken after the check.
    const rows = [
      { email: 'a1@example.test', role: 'member' as const },
      { email: 'a2@example.test', role: 'member' as const },
      { email: 'taken-meanwhile@example.test', role: 'member' as const },
    ];
    const taken = await sql(`select id from people where email = 'taken-meanwhile@example.test'`);
    expect(taken).toHaveLength(1);
    await expect(
      withContext(t.app, () => t.app.get(EntityManager).transactional(() => invitations.inviteChecked(by, rows))),
    ).rejects.toThrow(InputRefused);
    expect(await peopleIn(org.id)).toEqual([{ email: admin.email, status: 'active' }]);
    expect(await auditCount('user.invited', org.id)).toBe(0);
    await t.app.get(MailService).whenIdle();
    expect((await mailFiles(t.dataDir)).filter((mail) => mail.to.includes('a1@example.test'))).toEqual([]);
  });

  it('leaves nothing of the rows written before a row refused many rows later, and names its address', async () => {
    const { org, admin } = await orgWithAdmin('Chunked');
    await createPerson(t.app, { role: 'member', email: 'row1100@chunked.test' });
    const by = { personId: admin.person.id, organizationId: org.id, grantable: ['admin', 'member'] as const };
    const rows = Array.from({ length: 1200 }, (_, n) => ({ email: `row${n}@chunked.test`, role: 'member' as const }));
    const refused = withContext(t.app, () =>
      t.app.get(EntityManager).transactional(() => t.app.get(InvitationsService).inviteChecked(by, rows)),
    );
    await expect(refused).rejects.toThrow(InputRefused);
    await expect(refused.catch((err: InputRefused) => err.fields)).resolves.toEqual({
      email: 'row1100@chunked.test: A person with this email address already exists.',
    });
    expect(await peopleIn(org.id)).toEqual([{ email: admin.email, status: 'active' }]);
    expect(await auditCount('user.invited', org.id)).toBe(0);
    const [queued] = await sql<{ n: number }>(
      `select count(*) as n from mail_messages where recipient like '%@chunked.test'`,
    );
    expect(queued.n).toBe(0);
    expect(await withContext(t.app, () => t.app.get(AuditIntegrityService).verify())).toMatchObject({ ok: true });
  });

  it('imports 10,000 rows in the background; the status page refreshes itself and ends on the summary', async () => {
    const { org, admin } = await orgWithAdmin('Bulk');
    const lines = ['email,name,role'];
    for (let i = 0; i < 10_000; i++) lines.push(`bulk${i}@example.test,Bulk ${i},member`);
    const started = await importCsv(admin.client, lines.join('\n'));
    expect(started.status).toBe(303);
    // While it runs, the page asks to be reloaded (a meta refresh: no script) and shows a progress bar.
    const running = await admin.client.get(started.headers.location);
    expect(running.status).toBe(200);
    if (attrOf(running.text, '[data-import-state]', 'data-import-state') === 'running') {
      expect(running.text).toContain('<meta http-equiv="refresh" content="1">');
      expect(all(running.text, 'progress')).toHaveLength(1);
    }
    const done = await finished(admin.client, started.headers.location);
    expect(attrOf(done.text, '[data-import-state]', 'data-import-state')).toBe('done');
    expect(pageText(done.text)).toContain('Imported 10000 people.');
    expect(attrOf(done.text, 'progress', 'value')).toBe('10000');
    const [count] = await sql<{ n: number }>(
      `select count(*) as n from people where organization_id = ? and status = 'invited'`,
      org.id,
    );
    expect(count.n).toBe(10_000);
    // Each person's own audit entry in the verified chain, and their own invitation mail.
    expect(await auditCount('user.invited', org.id)).toBe(10_000);
    expect(await auditCount('user.imported', org.id)).toBe(1);
    const [mails] = await sql<{ n: number; readers: number }>(
      `select count(*) as n, count(distinct recipient) as readers from mail_messages
        where template = 'invitation' and recipient like 'bulk%@example.test'`,
    );
    expect(mails).toEqual({ n: 10_000, readers: 10_000 });
    expect(await withContext(t.app, () => t.app.get(AuditIntegrityService).verify())).toMatchObject({ ok: true });
  }, 120_000);

  it('downloads the list as filtered, every page, with formulas defused', async () => {
    const { org, admin } = await orgWithAdmin('Exporters');
    await createPerson(t.app, { role: 'member', organization: org, name: '=HYPERLINK("http://evil.test")' });
    // More than a page of the list (25), written directly: no password hashing needed here.
    for (let i = 0; i < 30; i++) {
      await sql(
        `insert into people (id, created_at, updated_at, organization_id, email, name, password_hash, role, status,
           failed_sign_ins, lockouts) values (?, ?, ?, ?, ?, ?, 'x', 'member', 'active', 0, 0)`,
        randomUUID(),
        TEST_START,
        TEST_START,
        org.id,
        `member${i}@exporters.test`,
        `Member ${String(i).padStart(2, '0')}`,
      );
    }
    await admin.client.submit('/org/users/invite', { email: 'pending@example.test', role: 'admin' });

    const list = await admin.client.get('/org/users?role=member');
    expect(attrOf(list.text, 'a.btn[href^="/org/users.csv"]', 'href')).toBe('/org/users.csv?role=member');

    const all = await admin.client.get('/org/users.csv?role=member');
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(all.headers['content-disposition']).toMatch(/^attachment; filename="people-\d{8}\.csv"$/);
    const records = parse(all.text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0])).toEqual(['email', 'name', 'role', 'status', 'two_factor', 'last_sign_in']);
    expect(records).toHaveLength(31);
    expect(records.every((r) => r.role === 'member' && r.status === 'active' && r.two_factor === 'off')).toBe(true);
    expect(all.text).toContain(`"'=HYPERLINK(""http://evil.test"")"`);

    const invited = await admin.client.get('/org/users.csv?status=invited');
    const invitedRecords = parse(invited.text, { columns: true }) as Record<string, string>[];
    expect(invitedRecords).toEqual([
      {
        email: 'pending@example.test',
        name: 'pending',
        role: 'admin',
        status: 'invited',
        two_factor: 'off',
        last_sign_in: '',
      },
    ]);

    // The admin's own row carries their last sign-in as ISO 8601 UTC.
    const admins = parse((await admin.client.get('/org/users.csv?role=admin&status=active')).text, {
      columns: true,
    }) as Record<string, string>[];
    expect(admins.map((r) => r.email)).toEqual([admin.email]);
    expect(admins[0].last_sign_in).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const member = await signedIn(t, 'member', { organization: org });
    expect((await member.client.get('/org/users.csv')).status).toBe(403);
  });
});

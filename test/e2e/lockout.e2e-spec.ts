import { EntityManager } from '@mikro-orm/better-sqlite';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createPerson, randomPassword, type CreatedPerson } from '../../seeds/factories';
import { withContext } from '../../src/platform/database/request-context';
import { SIGN_IN_FAILED } from '../../src/modules/auth/sign-in/sign-in.service';
import { JobsService } from '../../src/platform/jobs/jobs.service';
import { MailService } from '../../src/platform/mail/mail.service';
import { Person } from '../../src/modules/people/person.entity';
import { Client, csrfFrom } from '../utils/http';
import { linkTo, mailFiles } from '../utils/mail';
import { createOperator, createTestApp, type TestApp } from '../utils/test-app';

// The Keycloak brute-force cases, from the attacker's side and the owner's.
// Thresholds are small so each case is a handful of requests; time moves by
// the injected clock, never by sleeping.

const BASE_URL = 'http://desk.example.test:8080';
const MAX_FAILURES = 3;
const LOCK_SECONDS = 60;
const MAX_LOCK_SECONDS = 200;

const failureText = SIGN_IN_FAILED.replace(/'/g, '&#x27;');
const TWELVE_HOURS = 12 * 60 * 60;

interface LockoutRow {
  failures: number;
  lastFailedAt: number | null;
  lockedUntil: number | null;
  lockouts: number;
}

interface AuditRow {
  action: string;
  outcome: string;
  actorLabel: string;
  ip: string | null;
  details: Record<string, unknown> | null;
}

interface OutboxRow {
  id: number;
  status: string;
}

describe('account lockout', () => {
  let t: TestApp;

  const sql = <T>(query: string, ...params: unknown[]) =>
    withContext(t.app, () => t.app.get(EntityManager).execute<T[]>(query, params));

  const lockoutOf = async (p: CreatedPerson) =>
    (
      await sql<LockoutRow>(
        `select failed_sign_ins as failures, last_failed_at as lastFailedAt, locked_until as lockedUntil, lockouts
           from people where id = ?`,
        p.person.id,
      )
    )[0];

  const auditOf = async (p: CreatedPerson, action: string): Promise<AuditRow[]> =>
    (
      await sql<Omit<AuditRow, 'details'> & { details: string | null }>(
        `select action, outcome, actor_label as actorLabel, ip, details from audit_entries
          where target_id = ? and action = ? order by id`,
        p.person.id,
        action,
      )
    ).map((row) => ({ ...row, details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null }));

  const mailsTo = (p: CreatedPerson, template: string) =>
    sql<OutboxRow>(
      'select id, status from mail_messages where recipient = ? and template = ? order by id',
      p.email,
      template,
    );
  /** What the file transport delivered to the person (the outbox empties sent bodies). */
  const delivered = async (p: CreatedPerson) => {
    await t.app.get(MailService).whenIdle();
    return (await mailFiles(t.dataDir)).filter((mail) => mail.to.includes(p.email));
  };

  const signIn = (email: string, password: string) => new Client(t.server).signIn(email, password);
  const fail = async (p: CreatedPerson, times = 1, email = p.email) => {
    for (let i = 0; i < times; i++) expect((await signIn(email, `wrong-${randomPassword()}`)).status).toBe(401);
  };
  const lockOut = (p: CreatedPerson) => fail(p, MAX_FAILURES);
  const now = () => +t.clock.now();
  const member = () => createPerson(t.app, { role: 'member' });

  beforeAll(async () => {
    t = await createTestApp({
      BASE_URL,
      LOCKOUT_MAX_FAILURES: String(MAX_FAILURES),
      LOCKOUT_SECONDS: String(LOCK_SECONDS),
      LOCKOUT_MAX_SECONDS: String(MAX_LOCK_SECONDS),
    });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('locks after LOCKOUT_MAX_FAILURES consecutive failures, then refuses even the right password with the same 401', async () => {
    const p = await member();
    await fail(p, MAX_FAILURES - 1);
    expect(await lockoutOf(p)).toMatchObject({ failures: MAX_FAILURES - 1, lockedUntil: null, lockouts: 0 });

    const wrong = await signIn(p.email, 'not-the-password-at-all');
    expect(wrong.status).toBe(401);
    const locked = await lockoutOf(p);
    expect(locked).toMatchObject({ failures: MAX_FAILURES, lockouts: 1, lockedUntil: now() + LOCK_SECONDS * 1000 });

    const right = await signIn(p.email, p.password);
    expect(right.status).toBe(401);
    expect(right.headers['set-cookie']?.toString() ?? '').not.toContain('sd_session=');
    expect(right.text).toContain(failureText);
    // Nothing on the page tells a locked account from a wrong password.
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '').replace(/\s+/g, ' ');
    expect(strip(right.text)).toBe(strip(wrong.text));
    // Only the help shown under every refused sign-in speaks of a lockout, and only as an "if".
    expect(right.text.replace(/<p[^>]*id="sign-in-help"[^]*?<\/p>/, '')).not.toMatch(/locked/i);

    const reasons = (await auditOf(p, 'auth.login.failed')).map((row) => row.details?.reason);
    expect(reasons).toEqual([...Array<string>(MAX_FAILURES).fill('wrong_password'), 'locked']);
    const [started] = await auditOf(p, 'auth.lockout.started');
    expect(started.details).toEqual({
      until: new Date(locked.lockedUntil!).toISOString(),
      failures: MAX_FAILURES,
      lockouts: 1,
      seconds: LOCK_SECONDS,
    });
  });

  it('neither counts nor extends anything while locked', async () => {
    const p = await member();
    await lockOut(p);
    const before = await lockoutOf(p);
    t.clock.advance(LOCK_SECONDS / 2);
    await fail(p, 5);
    expect((await signIn(p.email, p.password)).status).toBe(401);
    expect(await lockoutOf(p)).toEqual(before);
    expect(await auditOf(p, 'auth.lockout.started')).toHaveLength(1);

    // Ends when it was always going to end, not later.
    t.clock.set(before.lockedUntil! - 1000);
    expect((await signIn(p.email, p.password)).status).toBe(401);
    t.clock.set(before.lockedUntil!);
    expect((await signIn(p.email, p.password)).status).toBe(303);
  });

  it('counts case and space variants of the email against the same account', async () => {
    const p = await createPerson(t.app, { role: 'member', email: `carla.case.${Date.now()}@example.test` });
    const variants = [p.email.toUpperCase(), `  ${p.email} `, p.email.replace(/^c/, 'C').replace('example', 'EXAMPLE')];
    for (const email of variants) await fail(p, 1, email);
    expect(await lockoutOf(p)).toMatchObject({ failures: MAX_FAILURES, lockouts: 1 });
    expect((await signIn(` ${p.email.toUpperCase()}`, p.password)).status).toBe(401);
  });

  it('doubles each further lockout without a successful sign-in, up to LOCKOUT_MAX_SECONDS', async () => {
    const p = await member();
    const periods: number[] = [];
    for (let round = 0; round < 4; round++) {
      const start = now();
      await lockOut(p);
      const { lockedUntil } = await lockoutOf(p);
      periods.push((lockedUntil! - start) / 1000);
      t.clock.set(lockedUntil!);
    }
    expect(periods).toEqual([LOCK_SECONDS, 2 * LOCK_SECONDS, MAX_LOCK_SECONDS, MAX_LOCK_SECONDS]);
    expect((await lockoutOf(p)).lockouts).toBe(4);
    expect((await auditOf(p, 'auth.lockout.started')).map((row) => row.details?.seconds)).toEqual(periods);
  });

  it('forgets failures and lockouts after a successful sign-in', async () => {
    const p = await member();
    await lockOut(p);
    t.clock.advance(LOCK_SECONDS);
    await lockOut(p);
    t.clock.advance(2 * LOCK_SECONDS);
    await fail(p, MAX_FAILURES - 1);
    expect((await signIn(p.email, p.password)).status).toBe(303);
    expect(await lockoutOf(p)).toEqual({ failures: 0, lastFailedAt: null, lockedUntil: null, lockouts: 0 });

    // The next lockout is a first one again.
    const start = now();
    await lockOut(p);
    expect((await lockoutOf(p)).lockedUntil).toBe(start + LOCK_SECONDS * 1000);
  });

  it('forgets failures 12 hours after the last one', async () => {
    const p = await member();
    await fail(p, MAX_FAILURES - 1);
    t.clock.advance(TWELVE_HOURS - 60);
    await fail(p, 1);
    expect((await lockoutOf(p)).lockouts).toBe(1);
    t.clock.advance(LOCK_SECONDS);
    expect((await signIn(p.email, p.password)).status).toBe(303);

    await fail(p, MAX_FAILURES - 1);
    t.clock.advance(TWELVE_HOURS + 1);
    await fail(p, MAX_FAILURES - 1);
    expect(await lockoutOf(p)).toMatchObject({ failures: MAX_FAILURES - 1, lockedUntil: null, lockouts: 0 });
    expect((await signIn(p.email, p.password)).status).toBe(303);
  });

  it('lifts expired lockouts in the auth.lockout-expiry job, audited', async () => {
    const runJob = () => t.app.get(JobsService).runNow('auth.lockout-expiry', 'schedule');
    const [a, b] = [await member(), await member()];
    await lockOut(a);
    t.clock.advance(10);
    await lockOut(b);
    t.clock.advance(LOCK_SECONDS - 5); // a's lockout is over, b's is not

    const first = await runJob();
    expect(first.outcome).toBe('succeeded');
    expect(first.counts.lifted).toBeGreaterThanOrEqual(1);
    expect(await lockoutOf(a)).toMatchObject({ lockedUntil: null, failures: 0, lockouts: 1 });
    expect((await lockoutOf(b)).lockedUntil).not.toBeNull();
    const [expired] = await auditOf(a, 'auth.lockout.expired');
    expect(expired).toMatchObject({ actorLabel: 'lockout-policy', details: { via: 'job' } });
    expect(await auditOf(b, 'auth.lockout.expired')).toEqual([]);

    t.clock.advance(10);
    await runJob();
    expect((await lockoutOf(b)).lockedUntil).toBeNull();
    expect(await auditOf(b, 'auth.lockout.expired')).toHaveLength(1);
    expect((await runJob()).counts).toEqual({ lifted: 0 });

    // Lifted, not forgiven: the next lockout is twice as long.
    const start = now();
    await lockOut(a);
    expect((await lockoutOf(a)).lockedUntil).toBe(start + 2 * LOCK_SECONDS * 1000);
  });

  it('lets the owner in once the lockout ran out without waiting for the job', async () => {
    const p = await member();
    await lockOut(p);
    t.clock.advance(LOCK_SECONDS);
    expect((await signIn(p.email, p.password)).status).toBe(303);
    expect(await lockoutOf(p)).toMatchObject({ lockedUntil: null, failures: 0, lockouts: 0 });
    expect((await auditOf(p, 'auth.lockout.expired')).map((row) => row.details)).toEqual([{ via: 'sign_in' }]);
  });

  it('starts counting afresh after a lockout ran out', async () => {
    const p = await member();
    await lockOut(p);
    t.clock.advance(LOCK_SECONDS);
    await fail(p, MAX_FAILURES - 1);
    expect(await lockoutOf(p)).toMatchObject({ failures: MAX_FAILURES - 1, lockedUntil: null, lockouts: 1 });
    expect((await signIn(p.email, p.password)).status).toBe(303);
  });

  it('mails the owner once per lockout: when, from which address, and a reset link that lifts it', async () => {
    const p = await member();
    await lockOut(p);
    await fail(p, 4); // more failures while locked: no more mail
    const outbox = await mailsTo(p, 'lockout');
    expect(outbox).toHaveLength(1);
    const mails = await delivered(p);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect((await mailsTo(p, 'lockout'))[0].status).toBe('sent');
    const [started] = await auditOf(p, 'auth.lockout.started');
    expect(started.ip).toMatch(/127\.0\.0\.1/);
    expect(mail.text).toContain(started.ip!);
    expect(mail.subject).toMatch(/locked until \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC/);
    expect(mail.text).toContain(`${MAX_FAILURES} times in a row`);
    const link = linkTo(mail, '/reset-password');
    expect(link.origin).toBe(BASE_URL);
    expect(mail.htmlLinks).toContain(link.href);
    const token = link.searchParams.get('token')!;

    // The link in the mail unlocks: a new password works at once, well inside the lockout.
    const client = new Client(t.server);
    const form = await client.get(`/reset-password?token=${token}`);
    expect(form.status).toBe(200);
    const newPassword = randomPassword();
    const done = await client.submit(`/reset-password?token=${token}`, {
      token: token,
      password: newPassword,
      confirmPassword: newPassword,
    });
    expect(done.status).toBe(303);
    expect(await lockoutOf(p)).toEqual({ failures: 0, lastFailedAt: null, lockedUntil: null, lockouts: 0 });
    expect((await signIn(p.email, newPassword)).status).toBe(303);
    const [reset] = await auditOf(p, 'auth.password.reset');
    expect(reset.details).toMatchObject({ lockLifted: true });

    // A second lockout, a second mail.
    await lockOut(p);
    expect(await mailsTo(p, 'lockout')).toHaveLength(2);
  });

  it('locks but mails nobody when the account is disabled', async () => {
    const p = await member();
    await withContext(t.app, () =>
      t.app.get(EntityManager).nativeUpdate(Person, { id: p.person.id }, { status: 'disabled' }),
    );
    await lockOut(p);
    expect((await lockoutOf(p)).lockouts).toBe(1);
    expect(await auditOf(p, 'auth.lockout.started')).toHaveLength(1);
    expect(await mailsTo(p, 'lockout')).toEqual([]);
  });

  it("does not touch other people's accounts", async () => {
    const [victim, bystander] = [await member(), await member()];
    await lockOut(victim);
    expect((await signIn(bystander.email, bystander.password)).status).toBe(303);
    expect(await lockoutOf(bystander)).toMatchObject({ failures: 0, lockouts: 0 });
  });

  it('locks exactly once under 100 concurrent wrong passwords, never counting past the threshold', async () => {
    const p = await member();
    await t.app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const agent = request.agent(url);
    const csrf = csrfFrom((await agent.get('/login')).text);
    const statuses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        agent
          .post('/login')
          .type('form')
          .send({ email: p.email, password: `wrong-guess-${i}-${randomPassword()}`, _csrf: csrf })
          .redirects(0)
          .then((res) => res.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(await lockoutOf(p)).toMatchObject({ failures: MAX_FAILURES, lockouts: 1 });
    expect(await auditOf(p, 'auth.lockout.started')).toHaveLength(1);
    expect(await auditOf(p, 'auth.login.failed')).toHaveLength(100);
    expect(await mailsTo(p, 'lockout')).toHaveLength(1);
    expect((await signIn(p.email, p.password)).status).toBe(401);
  });
});

import { createPerson } from '../../seeds/factories';
import { totpCode } from '../../src/modules/auth/two-factor/totp';
import { errorSummary, fieldValue, heading, pageText, textOf } from '../utils/html';
import { Client } from '../utils/http';
import { createOperator, createTestApp, listen, signedIn, type TestApp } from '../utils/test-app';

// Every form a visitor can post without a session is throttled (each form on
// its own count, a minute): LOGIN_RATE_LIMIT per account (the typed address,
// the session's person, the reset link) from one client address, and
// LOGIN_RATE_LIMIT_PER_ADDRESS per client address whatever the account. Past
// a limit it answers 429 on the form, whatever the input, before doing any of
// the form's work.

const LIMIT = 2;
const PASSWORD = 'tangerine-quartz-meadow-81';

/** A fresh app (throttle counts at zero), past setup unless `operator` is false, served on 127.0.0.1. */
async function withApp(body: (t: TestApp, baseUrl: string) => Promise<void>, operator = true): Promise<void> {
  const t = await createTestApp({ LOGIN_RATE_LIMIT: String(LIMIT) });
  try {
    if (operator) await createOperator(t);
    await body(t, await listen(t));
  } finally {
    await t.close();
  }
}

/** Posts `LIMIT + 1` times; the last answer must be the 429 page. */
async function pastTheLimit(post: () => Promise<{ status: number; text: string }>): Promise<number[]> {
  const statuses: number[] = [];
  let last = { status: 0, text: '' };
  for (let i = 0; i <= LIMIT; i++) {
    last = await post();
    statuses.push(last.status);
  }
  expect(pageText(last.text)).toContain('Too many attempts');
  return statuses;
}

describe('rate limits on the public forms', () => {
  it('/login', async () => {
    await withApp(async (t, baseUrl) => {
      const person = await createPerson(t.app, { role: 'member' });
      const client = new Client(baseUrl);
      expect(await pastTheLimit(() => client.signIn(person.email, 'not-the-password-123'))).toEqual([401, 401, 429]);
      // Past the limit even the right password is turned away.
      expect((await client.signIn(person.email, person.password)).status).toBe(429);
    });
  });

  it('/setup, before the first operator exists', async () => {
    await withApp(async (_t, baseUrl) => {
      const client = new Client(baseUrl);
      const setup = (fields: Record<string, string>) => client.submit('/setup', fields);
      const statuses = [(await setup({})).status, (await setup({})).status];
      const complete = {
        orgName: 'Throttled Co',
        name: 'Tess Throttle',
        email: 'tess@throttled.test',
        password: PASSWORD,
        confirmPassword: PASSWORD,
      };
      const third = await setup(complete);
      statuses.push(third.status);
      expect(statuses).toEqual([400, 400, 429]);
      expect(pageText(third.text)).toContain('Too many attempts');
      // The throttled request did nothing: setup is still open.
      expect((await client.get('/setup')).status).toBe(200);
    }, false);
  });

  it('/forgot-password', async () => {
    await withApp(async (t, baseUrl) => {
      const person = await createPerson(t.app, { role: 'member' });
      const client = new Client(baseUrl);
      expect(await pastTheLimit(() => client.submit('/forgot-password', { email: person.email }))).toEqual([
        303, 303, 429,
      ]);
    });
  });

  it('/reset-password', async () => {
    await withApp(async (_t, baseUrl) => {
      const client = new Client(baseUrl);
      const token = 'a'.repeat(43);
      const post = () =>
        client.submit('/forgot-password', { token, password: PASSWORD, confirmPassword: PASSWORD }, '/reset-password');
      expect(await pastTheLimit(post)).toEqual([400, 400, 429]);
    });
  });

  /** A member with two-factor on, enrolled through the pages; their secret. */
  async function twoFactorMember(t: TestApp) {
    const member = await signedIn(t, 'member');
    const setup = await member.client.submit('/account/security', {}, '/account/2fa/setup');
    const secret = textOf(setup.text, '#totp-secret')!;
    const enabled = await member.client.submit(
      '/account/2fa/setup',
      { code: await totpCode(secret, t.clock.now()) },
      '/account/2fa/enable',
    );
    expect(enabled.status).toBe(200);
    return { ...member, secret };
  }

  it('/login/2fa', async () => {
    await withApp(async (t, baseUrl) => {
      const member = await twoFactorMember(t);
      const colleague = await twoFactorMember(t);
      t.clock.advance(30);
      const secret = member.secret;

      const client = new Client(baseUrl);
      expect((await client.signIn(member.email, member.password)).headers.location).toBe('/login/2fa');
      expect(await pastTheLimit(() => client.submit('/login/2fa', { code: '000000' }))).toEqual([401, 401, 429]);
      // Past the limit even the right code is turned away.
      const right = await client.submit('/login/2fa', { code: await totpCode(secret, t.clock.now()) });
      expect(right.status).toBe(429);
      // The count is the person's: a colleague from the same address signs in.
      const other = new Client(baseUrl);
      expect((await other.signIn(colleague.email, colleague.password)).headers.location).toBe('/login/2fa');
      const code = await totpCode(colleague.secret, t.clock.now());
      expect((await other.submit('/login/2fa', { code })).headers.location).toBe('/dashboard');
    });
  });
});

describe('rate limits per account and address', () => {
  /** A fresh app with these limits (counts at zero), an operator, served on 127.0.0.1. */
  async function withLimits(env: Record<string, string>, body: (t: TestApp, baseUrl: string) => Promise<void>) {
    const t = await createTestApp(env);
    try {
      await createOperator(t);
      await body(t, await listen(t));
    } finally {
      await t.close();
    }
  }

  // The defaults: 20 a minute per account and address, 200 per address.
  const DEFAULTS = { LOGIN_RATE_LIMIT: '20' };

  it('lets 30 colleagues behind one address sign in within the minute (default limits)', async () => {
    await withLimits(DEFAULTS, async (t, baseUrl) => {
      const people = [];
      for (let i = 0; i < 30; i++) people.push(await createPerson(t.app, { role: 'member' }));
      const statuses: number[] = [];
      for (const person of people)
        statuses.push((await new Client(baseUrl).signIn(person.email, person.password)).status);
      expect(statuses).toEqual(people.map(() => 303));
    });
  });

  it('holds back only the account being guessed at, not the others from the same address', async () => {
    await withLimits(DEFAULTS, async (t, baseUrl) => {
      const target = await createPerson(t.app, { role: 'member' });
      const colleague = await createPerson(t.app, { role: 'member' });
      const attacker = new Client(baseUrl);
      const statuses: number[] = [];
      // 21 wrong passwords, the address spelt differently each time: it is the same account.
      for (let i = 0; i < 21; i++) {
        const spelt = i % 2 ? `  ${target.email.toUpperCase()} ` : target.email;
        statuses.push((await attacker.signIn(spelt, `not-the-password-${i}`)).status);
      }
      expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
      expect(statuses[20]).toBe(429);
      // The guessed-at account is held back for the minute, with a message on the form.
      const held = await new Client(baseUrl).signIn(target.email, target.password);
      expect(held.status).toBe(429);
      expect(heading(held.text)).toBe('Sign in');
      expect(textOf(held.text, '[role=alert]')).toContain('Too many attempts for this account');
      expect(fieldValue(held.text, 'email')).toBe(target.email);
      // Everyone else behind the same address signs in.
      expect((await new Client(baseUrl).signIn(colleague.email, colleague.password)).status).toBe(303);
    });
  });

  it('still stops a flood from one address across many accounts', async () => {
    await withLimits({ LOGIN_RATE_LIMIT: '3', LOGIN_RATE_LIMIT_PER_ADDRESS: '5' }, async (t, baseUrl) => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await new Client(baseUrl).signIn(`nobody.${i}@example.test`, 'whatever-password-1')).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      const person = await createPerson(t.app, { role: 'member' });
      const refused = await new Client(baseUrl).signIn(person.email, person.password);
      expect(refused.status).toBe(429);
      expect(pageText(refused.text)).toContain('Too many attempts from your network address');
    });
  });

  it('/forgot-password counts per typed address and per address', async () => {
    await withLimits({ LOGIN_RATE_LIMIT: '2', LOGIN_RATE_LIMIT_PER_ADDRESS: '5' }, async (t, baseUrl) => {
      const client = new Client(baseUrl);
      const forgot = (email: string) => client.submit('/forgot-password', { email });
      const first = await createPerson(t.app, { role: 'member' });
      const second = await createPerson(t.app, { role: 'member' });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await forgot(first.email)).status);
      expect(statuses).toEqual([303, 303, 429]);
      const refused = await forgot(` ${first.email.toUpperCase()}`);
      expect(refused.status).toBe(429);
      // The form is shown again with the message, the address kept.
      expect(errorSummary(refused.text)).toEqual([expect.stringContaining('Too many attempts for this account')]);
      expect(fieldValue(refused.text, 'email')?.trim()).toBe(first.email.toUpperCase());
      // Another account from the same address is not held back, until the address's ceiling.
      expect((await forgot(second.email)).status).toBe(303);
      expect((await forgot('third@example.test')).status).toBe(429);
    });
  });
});

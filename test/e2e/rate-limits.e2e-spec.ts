import { createPerson } from '../../seeds/factories';
import { totpCode } from '../../src/modules/auth/two-factor/totp';
import { pageText, textOf } from '../utils/html';
import { Client } from '../utils/http';
import { createOperator, createTestApp, listen, signedIn, type TestApp } from '../utils/test-app';

// Every form a visitor can post without a session is throttled per address
// (LOGIN_RATE_LIMIT a minute, each form on its own count): past the limit it
// answers 429, whatever the input, before doing any of the form's work.

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

  it('/login/2fa', async () => {
    await withApp(async (t, baseUrl) => {
      // A member with two-factor on, enrolled through the pages.
      const member = await signedIn(t, 'member');
      const setup = await member.client.submit('/account/security', {}, '/account/2fa/setup');
      const secret = textOf(setup.text, '#totp-secret')!;
      const enabled = await member.client.submit(
        '/account/2fa/setup',
        { code: await totpCode(secret, t.clock.now()) },
        '/account/2fa/enable',
      );
      expect(enabled.status).toBe(200);
      t.clock.advance(30);

      const client = new Client(baseUrl);
      expect((await client.signIn(member.email, member.password)).headers.location).toBe('/login/2fa');
      expect(await pastTheLimit(() => client.submit('/login/2fa', { code: '000000' }))).toEqual([401, 401, 429]);
      // Past the limit even the right code is turned away.
      const right = await client.submit('/login/2fa', { code: await totpCode(secret, t.clock.now()) });
      expect(right.status).toBe(429);
    });
  });
});

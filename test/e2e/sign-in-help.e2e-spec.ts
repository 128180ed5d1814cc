import { createPerson } from '../../seeds/factories';
import { Client } from '../utils/http';
import { attrOf, textOf } from '../utils/html';
import { createOperator, createTestApp, type TestApp } from '../utils/test-app';

// A refused sign-in says the same for every reason (no enumeration), and
// always shows the way back in: the lockout mail, and a password reset.
describe('sign-in failure help', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOCKOUT_MAX_FAILURES: '3' });
    await createOperator(t);
  });
  afterAll(() => t.close());

  const attempt = (email: string, password: string) => new Client(t.server).signIn(email, password);

  it('shows the same message and the same help for an unknown account, a wrong password and a locked account', async () => {
    const p = await createPerson(t.app, { role: 'member' });
    for (let i = 0; i < 3; i++) await attempt(p.email, 'wrong-password-here');
    const answers = [
      await attempt('nobody-at-all@example.test', 'whatever-password'),
      await attempt((await createPerson(t.app, { role: 'member' })).email, 'wrong-password-here'),
      // Locked now: even the right password gets the same answer.
      await attempt(p.email, p.password),
    ];
    const alerts = answers.map((res) => {
      expect(res.status).toBe(401);
      return textOf(res.text, '.alert-danger');
    });
    expect(new Set(alerts).size).toBe(1);
    expect(alerts[0]).toContain('If your account was locked, we have emailed you a way back in.');
    expect(attrOf(answers[2].text, '#sign-in-help a', 'href')).toBe('/forgot-password');
  });

  it('shows no help before anything went wrong', async () => {
    const page = await new Client(t.server).get('/login');
    expect(page.text).not.toContain('sign-in-help');
  });
});

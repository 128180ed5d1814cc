import { createOrganization } from '../../seeds/factories';
import { one, textOf } from '../utils/html';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const HOUR = 3600;
const ID = /^\/support\/([0-9a-f-]{36})$/;

// The SLA clock on the helpdesk queue and the ticket page (issue 13, second
// increment): targets per priority counted in business hours; the first
// public agent reply stops the first-response clock.
describe('support SLA clock (/admin/support)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      SESSION_IDLE_SECONDS: '31536000',
      SESSION_MAX_SECONDS: '31536000',
      SUPPORT_HOURS: 'Mon-Fri 09:00-17:00',
      SUPPORT_TIME_ZONE: 'UTC',
    });
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('shows the due time on the queue and the ticket, overdue once the clock moves past it', async () => {
    // A Tuesday morning inside business hours.
    t.clock.set(Date.parse('2026-12-08T10:00:00Z'));
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    const res = await member.client.submit(
      '/support/new',
      { subject: 'Installer fails', description: 'Error 1603.', category: 'installing', urgency: 'high' },
      '/support/new',
    );
    expect(res.status).toBe(303);
    const id = ID.exec(String(res.headers.location))![1];
    const row = `tr[data-ticket="${id}"]`;

    // P2 (high urgency × normal impact): a first response within 4 business hours.
    let queue = await agent.client.get('/admin/support');
    expect(textOf(queue.text, `${row} td[data-priority]`)).toBe('P2');
    expect(textOf(queue.text, `${row} td[data-due]`)).toBe('in 4 h (first response)');
    expect(one(queue.text, `${row} td[data-due]`).hasAttribute('data-overdue')).toBe(false);

    t.clock.advance(5 * HOUR);
    queue = await agent.client.get('/admin/support');
    expect(textOf(queue.text, `${row} td[data-due]`)).toBe('overdue 1 h (first response)');
    expect(one(queue.text, `${row} td[data-due]`).hasAttribute('data-overdue')).toBe(true);
    let page = await agent.client.get(`/admin/support/${id}`);
    expect(textOf(page.text, '[data-due-response]')).toBe('overdue 1 h');
    expect(one(page.text, '[data-due-response] span').classList.contains('text-danger')).toBe(true);

    // An internal note is no response; a public reply is.
    await agent.client.submit(`/admin/support/${id}`, { body: 'Looking.', kind: 'note' }, `/admin/support/${id}/reply`);
    queue = await agent.client.get('/admin/support');
    expect(textOf(queue.text, `${row} td[data-due]`)).toBe('overdue 1 h (first response)');
    await agent.client.submit(
      `/admin/support/${id}`,
      { body: 'Please send the log.', kind: 'reply' },
      `/admin/support/${id}/reply`,
    );
    // Resolution within 1 business day: Wednesday 10:00, 19 hours from Tuesday 15:00.
    queue = await agent.client.get('/admin/support');
    expect(textOf(queue.text, `${row} td[data-due]`)).toBe('in 19 h');
    page = await agent.client.get(`/admin/support/${id}`);
    expect(textOf(page.text, '[data-due-response]')).toBeUndefined();
    expect(textOf(page.text, '[data-due-resolution]')).toBe('in 19 h');

    // Wednesday 11:00: an hour past the resolution target.
    t.clock.advance(20 * HOUR);
    queue = await agent.client.get('/admin/support');
    expect(textOf(queue.text, `${row} td[data-due]`)).toBe('overdue 1 h');

    // Solved: no clock.
    await agent.client.submit(`/admin/support/${id}`, { status: 'solved' }, `/admin/support/${id}/status`);
    queue = await agent.client.get('/admin/support');
    expect(textOf(queue.text, `${row} td[data-due]`)).toBe('—');
  });
  it('pauses the clock while the ticket waits on the customer: the due time moves later by the time pending', async () => {
    // A Monday morning inside business hours.
    t.clock.set(Date.parse('2026-12-14T10:00:00Z'));
    const org = await createOrganization(t.app);
    const member = await signedIn(t, 'member', { organization: org });
    const agent = await signedIn(t, 'helpdesk');
    const res = await member.client.submit(
      '/support/new',
      {
        subject: 'License not found',
        description: 'The agent says no license.',
        category: 'licenses',
        urgency: 'high',
      },
      '/support/new',
    );
    const id = ID.exec(String(res.headers.location))![1];
    const row = `tr[data-ticket="${id}"]`;
    const post = (action: string, fields: Record<string, string>) =>
      agent.client.submit(`/admin/support/${id}`, fields, `/admin/support/${id}/${action}`);
    await post('reply', { body: 'Which product key?', kind: 'reply' });
    // P2: resolved within 1 business day, Tuesday 10:00.
    expect(textOf((await agent.client.get('/admin/support')).text, `${row} td[data-due]`)).toBe('in 24 h');

    // Waiting on the customer: the queue and the page say "paused".
    expect((await post('status', { status: 'pending' })).status).toBe(303);
    let queue = await agent.client.get('/admin/support');
    expect(textOf(queue.text, `${row} td[data-due]`)).toBe('paused');
    expect(one(queue.text, `${row} td[data-due] [data-paused]`)).toBeDefined();
    let page = await agent.client.get(`/admin/support/${id}`);
    expect(textOf(page.text, '[data-due-resolution]')).toBe('paused');

    // Three business hours later the customer answers: open again, due three hours later than it was.
    t.clock.advance(3 * HOUR);
    expect(
      (await member.client.submit(`/support/${id}`, { body: 'Key ABC-123.' }, `/support/${id}/reply`)).status,
    ).toBe(303);
    queue = await agent.client.get('/admin/support');
    expect(textOf(queue.text, `${row} [data-state]`)).toBe('Open');
    // Without the pause it would be "in 21 h" (Tuesday 10:00 from Monday 13:00); with it Tuesday 13:00.
    expect(textOf(queue.text, `${row} td[data-due]`)).toBe('in 24 h');

    // Tuesday 11:00: past the unpaused target, still two hours to go.
    t.clock.advance(22 * HOUR);
    page = await agent.client.get(`/admin/support/${id}`);
    expect(textOf(page.text, '[data-due-resolution]')).toBe('in 2 h');
    expect(one(page.text, '[data-due-resolution] span').classList.contains('text-danger')).toBe(false);

    // A second pending period, ended by the agent: another hour later.
    await post('status', { status: 'pending' });
    t.clock.advance(HOUR);
    await post('status', { status: 'open' });
    page = await agent.client.get(`/admin/support/${id}`);
    expect(textOf(page.text, '[data-due-resolution]')).toBe('in 2 h');
  });
});

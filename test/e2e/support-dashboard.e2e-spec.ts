import { createOrganization } from '../../seeds/factories';
import { attrOf, attrsOf, textOf, textsOf } from '../utils/html';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

const ID = /^\/support\/([0-9a-f-]{36})$/;

// The "Support queue" dashboard card (issue 13): what waits on the agent
// looking, what nobody took, what waits on customers; helpdesk and operators
// only.
describe('the support queue card on /dashboard', () => {
  let t: TestApp;
  type Who = Awaited<ReturnType<typeof signedIn>>;
  const open = async (who: Who, subject: string, urgency = 'normal') => {
    const res = await who.client.submit(
      '/support/new',
      { subject, description: 'Help, please.', category: 'other', urgency },
      '/support/new',
    );
    expect(res.status).toBe(303);
    return ID.exec(String(res.headers.location))![1];
  };
  const act = async (agent: Who, id: string, action: string, fields: Record<string, string>) =>
    expect((await agent.client.submit(`/admin/support/${id}`, fields, `/admin/support/${id}/${action}`)).status).toBe(
      303,
    );
  const card = async (who: Who) => {
    const page = (await who.client.get('/dashboard')).text;
    const number = (name: string) => textOf(page, `#widget-support-queue [data-number="${name}"]`);
    return {
      page,
      counts: { mine: number('mine'), unassigned: number('unassigned'), waiting: number('waiting') },
      waiting: textsOf(page, '#widget-support-queue [data-waiting] a'),
    };
  };

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
  });
  afterAll(() => t.close());

  it('counts the agent’s own open work, the unassigned and the pending, and lists theirs most urgent first', async () => {
    const member = await signedIn(t, 'member', { organization: await createOrganization(t.app) });
    const agent = await signedIn(t, 'helpdesk');
    const colleague = await signedIn(t, 'helpdesk');
    const routine = await open(member, 'Routine question');
    const urgent = await open(member, 'Everything is down', 'high');
    const theirs = await open(member, 'Colleague’s ticket');
    const waitsOnCustomer = await open(member, 'Needs the customer');
    const solved = await open(member, 'Already solved');
    await open(member, 'Nobody took this');
    for (const id of [routine, urgent, waitsOnCustomer, solved]) {
      await act(agent, id, 'assign', { assigneeId: agent.person.id });
    }
    await act(agent, theirs, 'assign', { assigneeId: colleague.person.id });
    await act(agent, waitsOnCustomer, 'status', { status: 'pending' });
    await act(agent, solved, 'status', { status: 'solved' });

    const mine = await card(agent);
    expect(mine.counts).toEqual({ mine: '2', unassigned: '1', waiting: '1' });
    expect(mine.waiting).toEqual(['Everything is down', 'Routine question']);
    expect(attrOf(mine.page, '#widget-support-queue [data-waiting] a', 'href')).toBe(`/admin/support/${urgent}`);
    expect(attrOf(mine.page, '#widget-support-queue [data-number="unassigned"]', 'href')).toBe(
      '/admin/support?view=unassigned',
    );
    const other = await card(colleague);
    expect(other.counts).toEqual({ mine: '1', unassigned: '1', waiting: '0' });
    expect(other.waiting).toEqual(['Colleague’s ticket']);

    // Operators see the card too; the organization's people never do.
    const operator = await signedIn(t, 'operator');
    expect(attrsOf((await operator.client.get('/dashboard')).text, 'section.card', 'id')).toContain(
      'widget-support-queue',
    );
    expect(attrsOf((await member.client.get('/dashboard')).text, 'section.card', 'id')).not.toContain(
      'widget-support-queue',
    );
  });
});

import { MikroORM, type EntityManager } from '@mikro-orm/better-sqlite';
import http from 'node:http';
import { LiveChatSettings } from '../../plugins/live-chat/live-chat-settings';
import { createOrganization, createPerson } from '../../seeds/factories';
import { JobRegistry } from '../../src/platform/jobs/job-registry';
import type { Role } from '../../src/modules/people/person.entity';
import { attrOf, attrsOf, flashMessages, textOf, textsOf } from '../utils/html';
import { Client } from '../utils/http';
import { createOperator, createTestApp, listen, type TestApp } from '../utils/test-app';

const BASE = '/plugins/live-chat';
const CHAT_ID = /\/plugins\/live-chat\/chats\/([0-9a-f-]{36})$/;

interface Person {
  id: string;
  name: string;
  email: string;
  client: Client;
  /** The session cookie, for a raw event-stream request. */
  cookie: string;
}

/** An open text/event-stream answer read with node:http; every wait is bounded. */
class Stream {
  text = '';
  ended = false;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  private waiters = new Set<() => void>();
  private req: http.ClientRequest | null = null;

  static open(baseUrl: string, path: string, cookie: string, lastEventId?: number): Promise<Stream> {
    const stream = new Stream();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { cookie, accept: 'text/event-stream' };
      if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
      const req = http.get(`${baseUrl}${path}`, { headers }, (res) => {
        stream.status = res.statusCode ?? 0;
        stream.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          stream.text += chunk;
          for (const wake of [...stream.waiters]) wake();
        });
        res.on('error', () => undefined);
        res.on('end', () => {
          stream.ended = true;
          for (const wake of [...stream.waiters]) wake();
        });
        resolve(stream);
      });
      stream.req = req;
      req.on('error', reject);
    });
  }

  /** The `message` events so far: their ids and bodies. */
  messages(): { id: number; body: string; fromStaff: boolean }[] {
    return this.text
      .split('\n\n')
      .filter((block) => block.includes('event: message'))
      .map((block) => {
        const id = Number(/^id: (\d+)$/m.exec(block)?.[1]);
        const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as { body: string; fromStaff: boolean };
        return { id, body: data.body, fromStaff: data.fromStaff };
      });
  }

  /** Resolves once `check` holds for what arrived; fails after `timeoutMs` instead of hanging. */
  until(check: (stream: Stream) => boolean, timeoutMs = 5_000): Promise<void> {
    if (check(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!check(this)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`the stream did not deliver in time; it has:\n${this.text}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.req?.destroy();
  }
}

describe('live chat plugin', () => {
  let t: TestApp;
  let baseUrl: string;
  const streams: Stream[] = [];

  const sql = <T>(query: string, params: unknown[] = []) =>
    (t.app.get(MikroORM).em.fork() as EntityManager).execute<T[]>(query, params);

  const auditOf = (action: string, targetId: string) =>
    sql<{ details: string; organizationId: string | null; actor: string }>(
      `select details, organization_id as organizationId, actor_label as actor from audit_entries
        where action = ? and target_id = ? order by id`,
      [action, targetId],
    );

  async function person(role: Role, organization?: Awaited<ReturnType<typeof createOrganization>>): Promise<Person> {
    const created = await createPerson(t.app, { role, ...(organization ? { organization } : {}) });
    const client = new Client(baseUrl);
    const res = await client.signIn(created.email, created.password);
    expect(res.status).toBe(303);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    return { id: created.person.id, name: created.person.name, email: created.email, client, cookie };
  }

  async function open(who: Person, path: string, lastEventId?: number): Promise<Stream> {
    const stream = await Stream.open(baseUrl, path, who.cookie, lastEventId);
    streams.push(stream);
    return stream;
  }

  const goAvailable = (agent: Person, available = true) =>
    agent.client.submit(`${BASE}/console`, { available: available ? 'on' : 'off' }, `${BASE}/console/availability`);

  async function startChat(member: Person, topic = 'Cannot activate a device', body = 'The key is refused.') {
    const res = await member.client.submit(BASE, { topic, body }, `${BASE}/chats`);
    expect(res.status).toBe(303);
    return CHAT_ID.exec(res.headers.location as string)![1];
  }

  const say = (who: Person, chatId: string, body: string) =>
    who.client.submit(`${BASE}/chats/${chatId}`, { body }, `${BASE}/chats/${chatId}/messages`);

  beforeAll(async () => {
    t = await createTestApp();
    baseUrl = await listen(t);
    await createOperator(t);
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
    // Each test starts with nobody's posts counted against the rate limit.
    t.clock.advance(60);
  });
  afterAll(() => t.close());

  it('serves its pages to the right roles only', async () => {
    const member = await person('member');
    const admin = await person('admin');
    const helpdesk = await person('helpdesk');
    const operator = await person('operator');
    const anonymous = new Client(t.server);
    for (const customer of [member, admin]) {
      expect((await customer.client.get(BASE)).status).toBe(200);
      expect((await customer.client.get(`${BASE}/console`)).status).toBe(403);
      expect((await customer.client.get(`${BASE}/console/events`)).status).toBe(403);
    }
    for (const agent of [helpdesk, operator]) {
      expect((await agent.client.get(`${BASE}/console`)).status).toBe(200);
      expect((await agent.client.get(BASE)).status).toBe(403);
      expect((await agent.client.postWithoutCsrf(`${BASE}/chats`, { topic: 'x', body: 'y' })).status).toBe(403);
    }
    for (const path of [BASE, `${BASE}/console`, `${BASE}/chats/00000000-0000-4000-8000-000000000000`]) {
      const res = await anonymous.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
    }
    // Without the form's token a post is refused.
    expect((await operator.client.postWithoutCsrf(`${BASE}/console/availability`, { available: 'on' })).status).toBe(
      403,
    );
    // The nav item: members and admins to the chat, agents to the console.
    expect(attrsOf((await member.client.get('/dashboard')).text, '.app-nav a', 'href')).toContain(BASE);
    expect(attrsOf((await operator.client.get('/dashboard')).text, '.app-nav a', 'href')).toContain(`${BASE}/console`);
    // The script is served from 'self', as the Content-Security-Policy asks, and may be cached.
    const script = await member.client.get(`${BASE}/chat.js`);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['cache-control']).toBe('private, max-age=3600');
    expect(script.text).toContain('EventSource');
  });

  it('is open only while an agent is available with the console connected', async () => {
    const member = await person('member');
    const agent = await person('helpdesk');

    // Nobody available: closed, with the way to a ticket.
    let lobby = await member.client.get(BASE);
    expect(lobby.text).toContain('Live chat is closed');
    expect(attrOf(lobby.text, '[data-chat-closed] a', 'href')).toBe('/support/new');
    expect(textOf((await member.client.get('/dashboard')).text, '#widget-live-chat-status [data-live-chat]')).toContain(
      'Closed',
    );
    const refused = await member.client.submit(BASE, { topic: 'Hi', body: 'Anyone?' }, `${BASE}/chats`);
    expect(refused.status).toBe(409);

    // The agent goes available: open, on the page and on the dashboard card.
    const toggled = await goAvailable(agent);
    expect(toggled.status).toBe(303);
    expect(flashMessages((await agent.client.get(`${BASE}/console`)).text)).toContain(
      'You are available for chat while this console is open.',
    );
    lobby = await member.client.get(BASE);
    expect(lobby.text).toContain('1 agent is available to chat now.');
    expect(attrOf(lobby.text, 'form[data-start-chat]', 'action')).toBe(`${BASE}/chats`);
    const card = (await member.client.get('/dashboard')).text;
    expect(textOf(card, '#widget-live-chat-status .card-title')).toBe('Live chat');
    expect(textOf(card, '#widget-live-chat-status [data-live-chat]')).toBe('Open 1 agent is available.');
    expect(attrOf(card, '#widget-live-chat-status a', 'href')).toBe(BASE);
    const audit = await auditOf('chat.availability_changed', agent.id);
    expect(audit.map((entry) => JSON.parse(entry.details) as unknown)).toEqual([{ available: true }]);

    // A closed laptop: a minute and more without a sign of the console, and chat is closed again.
    t.clock.advance(61);
    expect((await member.client.get(BASE)).text).toContain('Live chat is closed');
    // An open console stream keeps the agent present, however long.
    const console = await open(agent, `${BASE}/console/events`);
    expect(console.status).toBe(200);
    expect(console.headers['content-type']).toMatch(/^text\/event-stream/);
    t.clock.advance(600);
    expect((await member.client.get(BASE)).text).toContain('1 agent is available to chat now.');
    console.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.clock.advance(61);
    expect((await member.client.get(BASE)).text).toContain('Live chat is closed');

    // Away: closed even with the console open; audited once per change.
    expect((await agent.client.get(`${BASE}/console`)).status).toBe(200);
    expect((await member.client.get(BASE)).text).toContain('1 agent is available');
    await goAvailable(agent, false);
    await goAvailable(agent, false);
    expect((await member.client.get(BASE)).text).toContain('Live chat is closed');
    expect((await auditOf('chat.availability_changed', agent.id)).map((e) => JSON.parse(e.details) as unknown)).toEqual(
      [{ available: true }, { available: false }],
    );
  });

  it('starts, takes, replies and ends a chat; the transcript becomes a ticket on the person’s /support list', async () => {
    const org = await createOrganization(t.app, 'Chatty Ltd');
    const member = await person('member', org);
    const agent = await person('helpdesk');
    const second = await person('operator');
    await goAvailable(agent);

    const chatId = await startChat(member, 'License key refused', 'It says the key is <b>invalid</b>.');
    let page = await member.client.get(`${BASE}/chats/${chatId}`);
    expect(page.status).toBe(200);
    expect(textOf(page.text, '[data-chat-status] .badge')).toBe('Waiting for an agent');
    // Escaped, never markup.
    expect(page.text).toContain('&lt;b&gt;invalid&lt;/b&gt;');
    expect(attrsOf(page.text, 'script', 'src')).toContain(`${BASE}/chat.js`);

    // One open chat per person.
    expect((await member.client.submit(BASE, { topic: 'Again', body: 'Hello?' }, `${BASE}/chats`)).status).toBe(409);
    expect(textOf((await member.client.get(BASE)).text, '[data-current-chat] a')).toBe('Continue your chat');

    // The queue on the console, oldest first; the agent's card counts it.
    const console = (await agent.client.get(`${BASE}/console`)).text;
    expect(attrsOf(console, '[data-queue] tr[data-chat]', 'data-chat')).toContain(chatId);
    expect(textOf((await agent.client.get('/dashboard')).text, '#widget-live-chat-status [data-live-chat]')).toMatch(
      /\d+ waiting/,
    );

    // An agent replies only once the chat is theirs; one agent takes it, the second cannot.
    expect((await say(agent, chatId, 'Hello')).status).toBe(409);
    const take = await agent.client.submit(`${BASE}/console`, {}, `${BASE}/chats/${chatId}/take`);
    expect(take.status).toBe(303);
    expect((await second.client.submit(`${BASE}/console`, {}, `${BASE}/chats/${chatId}/take`)).status).toBe(409);

    expect((await say(agent, chatId, 'Which product is it?')).status).toBe(303);
    // Only the agent who took it answers; the page offers the other no message box.
    expect((await say(second, chatId, 'Me too')).status).toBe(409);
    expect(attrOf((await second.client.get(`${BASE}/chats/${chatId}`)).text, 'form[data-chat-form]', 'action')).toBe(
      undefined,
    );
    expect((await say(member, chatId, 'SeatDesk Pro,\non two laptops.')).status).toBe(303);
    expect((await say(member, chatId, '   ')).status).toBe(400);
    expect((await say(member, chatId, 'x'.repeat(2_001))).status).toBe(400);
    expect((await say(member, chatId, 'x'.repeat(2_000))).status).toBe(303);

    page = await member.client.get(`${BASE}/chats/${chatId}`);
    expect(textOf(page.text, '[data-chat-status] .badge')).toBe('In progress');
    expect(textsOf(page.text, '[data-chat-messages] .app-message-body')).toEqual([
      'It says the key is <b>invalid</b>.',
      'Which product is it?',
      'SeatDesk Pro, on two laptops.',
      'x'.repeat(2_000),
    ]);

    // The member ends it: the transcript is a ticket of theirs, open, assigned to the agent.
    const end = await member.client.submit(`${BASE}/chats/${chatId}`, {}, `${BASE}/chats/${chatId}/end`);
    expect(end.status).toBe(303);
    page = await member.client.get(`${BASE}/chats/${chatId}`);
    expect(textOf(page.text, '[data-chat-status] .badge')).toBe('Ended');
    expect(attrOf(page.text, 'form[data-chat-form]', 'action')).toBeUndefined();
    const ticketHref = attrOf(page.text, '[data-chat-ticket] a', 'href')!;
    expect(ticketHref).toMatch(/^\/support\/[0-9a-f-]{36}$/);
    const ticketId = ticketHref.split('/').pop()!;
    expect((await say(member, chatId, 'one more')).status).toBe(409);

    const list = (await member.client.get('/support')).text;
    expect(textOf(list, `tr[data-ticket="${ticketId}"] a`)).toBe('Chat: License key refused');
    expect(textOf(list, `tr[data-ticket="${ticketId}"] [data-state]`)).toBe('Open');
    const ticket = (await member.client.get(ticketHref)).text;
    expect(textsOf(ticket, '[data-message] .app-message-body')).toEqual([
      'It says the key is <b>invalid</b>.',
      'Which product is it?',
      'SeatDesk Pro, on two laptops.',
      'x'.repeat(2_000),
    ]);
    const [stored] = await sql<{ assigneeId: string; status: string }>(
      'select assignee_id as assigneeId, status from tickets where id = ?',
      [ticketId],
    );
    expect(stored).toEqual({ assigneeId: agent.id, status: 'open' });
    expect((await auditOf('ticket.created', ticketId)).map((e) => JSON.parse(e.details) as unknown)).toEqual([
      { source: 'chat', category: 'other', urgency: 'normal' },
    ]);
    const [ended] = await auditOf('chat.ended', chatId);
    expect(ended.organizationId).toBe(org.id);
    expect(JSON.parse(ended.details)).toEqual({
      ticketId,
      messageCount: 4,
      endedBy: 'member',
      reason: 'ended_by_member',
      resolved: false,
    });
    // The agent's side links the helpdesk's view of the ticket.
    expect(attrOf((await agent.client.get(`${BASE}/chats/${chatId}`)).text, '[data-chat-ticket] a', 'href')).toBe(
      `/admin/support/${ticketId}`,
    );
  });

  it('an agent ending a chat as resolved leaves a solved ticket', async () => {
    const member = await person('member');
    const agent = await person('operator');
    await goAvailable(agent);
    const chatId = await startChat(member, 'Where is my invoice?', 'I need last month’s.');
    await agent.client.submit(`${BASE}/console`, {}, `${BASE}/chats/${chatId}/take`);
    await say(agent, chatId, 'It is under Billing → Invoices.');
    const end = await agent.client.submit(`${BASE}/chats/${chatId}`, { resolved: 'on' }, `${BASE}/chats/${chatId}/end`);
    expect(end.status).toBe(303);
    const [chat] = await sql<{ ticketId: string }>(
      'select ticket_id as ticketId from plg_live_chat_chats where id = ?',
      [chatId],
    );
    const [ticket] = await sql<{ status: string }>('select status from tickets where id = ?', [chat.ticketId]);
    expect(ticket.status).toBe('solved');
    expect(JSON.parse((await auditOf('chat.ended', chatId))[0].details)).toMatchObject({
      endedBy: 'agent',
      resolved: true,
      messageCount: 2,
    });
  });

  it('shows a person only their own chats', async () => {
    const org = await createOrganization(t.app);
    const member = await person('member', org);
    const colleague = await person('member', org);
    const orgAdmin = await person('admin', org);
    const stranger = await person('admin');
    const agent = await person('helpdesk');
    await goAvailable(agent);
    const chatId = await startChat(member);
    for (const other of [colleague, orgAdmin, stranger]) {
      expect((await other.client.get(`${BASE}/chats/${chatId}`)).status).toBe(404);
      expect((await other.client.get(`${BASE}/chats/${chatId}/events`)).status).toBe(404);
      expect((await say(other, chatId, 'Let me in')).status).toBe(404);
      expect((await other.client.submit('/dashboard', {}, `${BASE}/chats/${chatId}/end`)).status).toBe(404);
    }
    expect((await member.client.get(`${BASE}/chats/not-a-uuid`)).status).toBe(404);
    // Agents see every chat.
    expect((await agent.client.get(`${BASE}/chats/${chatId}`)).status).toBe(200);
    await member.client.submit(`${BASE}/chats/${chatId}`, {}, `${BASE}/chats/${chatId}/end`);
  });

  it('pushes each side’s messages over Server-Sent Events and resumes with Last-Event-ID', async () => {
    const member = await person('member');
    const agent = await person('helpdesk');
    await goAvailable(agent);
    const chatId = await startChat(member, 'Streams', 'First question');
    await agent.client.submit(`${BASE}/console`, {}, `${BASE}/chats/${chatId}/take`);

    const events = `${BASE}/chats/${chatId}/events`;
    const memberStream = await open(member, events);
    const agentStream = await open(agent, events);
    expect(memberStream.status).toBe(200);
    expect(memberStream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(memberStream.headers['cache-control']).toBe('no-store');
    // What was written before the stream opened comes first.
    await memberStream.until((s) => s.messages().length === 1);
    expect(memberStream.messages()[0].body).toBe('First question');

    // The agent's reply reaches the member's open stream; the member's reaches the agent's.
    await say(agent, chatId, 'Hello from support');
    await memberStream.until((s) => s.messages().length === 2);
    expect(memberStream.messages()[1]).toMatchObject({ body: 'Hello from support', fromStaff: true });
    await say(member, chatId, 'Hi! <script>alert(1)</script>');
    await agentStream.until((s) => s.messages().some((m) => m.body === 'Hi! <script>alert(1)</script>'));
    await memberStream.until((s) => s.messages().length === 3);
    const seen = memberStream.messages();
    expect(seen.map((m) => m.id)).toEqual([...seen.map((m) => m.id)].sort((a, b) => a - b));
    memberStream.close();

    // Offline for a while: two messages are written meanwhile.
    await say(agent, chatId, 'Are you still there?');
    await say(agent, chatId, 'I will wait a minute.');
    // Reconnecting with the last id seen: exactly the missed ones, in order, no duplicates.
    const resumed = await open(member, events, seen[2].id);
    await resumed.until((s) => s.messages().length === 2);
    expect(resumed.messages().map((m) => m.body)).toEqual(['Are you still there?', 'I will wait a minute.']);
    expect(resumed.messages()[0].id).toBeGreaterThan(seen[2].id);
    await say(member, chatId, 'Back now');
    await resumed.until((s) => s.messages().length === 3);
    expect(resumed.messages().map((m) => m.body)).toEqual([
      'Are you still there?',
      'I will wait a minute.',
      'Back now',
    ]);

    // Ending tells both pages (they reload to show the ticket).
    await agent.client.submit(`${BASE}/chats/${chatId}`, {}, `${BASE}/chats/${chatId}/end`);
    await resumed.until((s) => s.text.includes('event: status\ndata: {"status":"ended"}'));
    await agentStream.until((s) => s.text.includes('event: status'));
    // An ended chat's stream answers 204: the browser stops reconnecting.
    expect((await open(member, events)).status).toBe(204);
  });

  it('tells open consoles when the queue changes, and keeps every stream alive with comments', async () => {
    const settings = t.app.get(LiveChatSettings);
    const keepAlive = settings.keepAliveSeconds;
    settings.keepAliveSeconds = 0.05;
    try {
      const member = await person('member');
      const agent = await person('helpdesk');
      await goAvailable(agent);
      const console = await open(agent, `${BASE}/console/events`);
      await console.until((s) => s.text.includes(': keep-alive'));
      const chatId = await startChat(member);
      await console.until((s) => s.text.includes('event: queue'));
      const chat = await open(member, `${BASE}/chats/${chatId}/events`);
      await chat.until((s) => s.text.includes(': keep-alive'));
      await member.client.submit(`${BASE}/chats/${chatId}`, {}, `${BASE}/chats/${chatId}/end`);
      await console.until((s) => s.text.split('event: queue').length === 3);
    } finally {
      settings.keepAliveSeconds = keepAlive;
    }
  });

  it('caps the streams a person holds open', async () => {
    const member = await person('member');
    const agent = await person('helpdesk');
    await goAvailable(agent);
    const chatId = await startChat(member);
    const max = t.app.get(LiveChatSettings).maxStreams;
    for (let i = 0; i < max; i++) expect((await open(member, `${BASE}/chats/${chatId}/events`)).status).toBe(200);
    const over = await open(member, `${BASE}/chats/${chatId}/events`);
    expect(over.status).toBe(429);
    for (const stream of streams.splice(0)) stream.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await open(member, `${BASE}/chats/${chatId}/events`)).status).toBe(200);
    await member.client.submit(`${BASE}/chats/${chatId}`, {}, `${BASE}/chats/${chatId}/end`);
  });

  it('ends each stream after a while, and a signed-out person cannot reconnect', async () => {
    const settings = t.app.get(LiveChatSettings);
    const member = await person('member');
    const agent = await person('helpdesk');
    await goAvailable(agent);
    const chatId = await startChat(member);
    settings.streamMaxSeconds = 1;
    try {
      const first = await open(member, `${BASE}/chats/${chatId}/events`);
      expect(first.status).toBe(200);
      await first.until((s) => s.ended);
      // The browser reconnects through the session check: fine while signed in…
      const again = await open(member, `${BASE}/chats/${chatId}/events`, 1);
      expect(again.status).toBe(200);
      await again.until((s) => s.ended);
      // …refused once the session is gone.
      expect((await member.client.signOut()).status).toBe(303);
      const after = await open(member, `${BASE}/chats/${chatId}/events`, 1);
      expect(after.status).not.toBe(200);
      expect(after.text).not.toContain('event: message');
    } finally {
      settings.streamMaxSeconds = 300;
    }
  });

  it('refuses messages sent too fast', async () => {
    const member = await person('member');
    const agent = await person('helpdesk');
    await goAvailable(agent);
    const chatId = await startChat(member); // the first of 10 posts in the window
    for (let i = 2; i <= 10; i++) expect((await say(member, chatId, `message ${i}`)).status).toBe(303);
    expect((await say(member, chatId, 'one too many')).status).toBe(429);
    t.clock.advance(11);
    expect((await say(member, chatId, 'after a pause')).status).toBe(303);
    await member.client.submit(`${BASE}/chats/${chatId}`, {}, `${BASE}/chats/${chatId}/end`);
  });

  it('the expiry job ends chats nobody took, and chats whose person left, as tickets', async () => {
    const waiting = await person('member');
    const leaving = await person('member');
    const agent = await person('helpdesk');
    await goAvailable(agent);
    const unanswered = await startChat(waiting, 'Nobody came', 'Hello?');
    const left = await startChat(leaving, 'Gone', 'Quick question');
    await agent.client.submit(`${BASE}/console`, {}, `${BASE}/chats/${left}/take`);
    await say(agent, left, 'Yes?');

    t.clock.advance(9 * 60);
    const job = t.app.get(JobRegistry).get('live-chat.expire');
    const statusOf = async (id: string) =>
      (await sql<{ status: string }>('select status from plg_live_chat_chats where id = ?', [id]))[0].status;
    await job.invoke('manual');
    expect([await statusOf(unanswered), await statusOf(left)]).toEqual(['waiting', 'active']);
    t.clock.advance(2 * 60);
    expect((await job.invoke('manual')).counts.ended).toBeGreaterThanOrEqual(2);

    const rows = await sql<{ id: string; status: string; endReason: string; ticketId: string | null }>(
      `select id, status, end_reason as endReason, ticket_id as ticketId from plg_live_chat_chats where id in (?, ?)
        order by created_at, id`,
      [unanswered, left],
    );
    expect(rows.map((r) => [r.id, r.status, r.endReason])).toEqual(
      expect.arrayContaining([
        [unanswered, 'ended', 'unanswered'],
        [left, 'ended', 'member_left'],
      ]),
    );
    expect(rows.every((r) => r.ticketId)).toBe(true);
    const [entry] = await auditOf('chat.ended', unanswered);
    expect(entry.actor).toBe('job:live-chat.expire');
    // The unanswered question is on the person's ticket list.
    expect((await waiting.client.get('/support')).text).toContain('Chat: Nobody came');
  });
});

import { MikroORM, type EntityManager } from '@mikro-orm/better-sqlite';
import { createHmac } from 'node:crypto';
import dns from 'node:dns';
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { WebhookDeliveries } from '../../plugins/webhooks/webhook-deliveries.service';
import { WebhookSettings } from '../../plugins/webhooks/webhook-settings';
import { AfterCommit } from '../../src/platform/database/after-commit';
import { JobRegistry } from '../../src/platform/jobs/job-registry';
import { PAGE_SIZE } from '../../src/platform/plugin-host/plugin-api';
import {
  attrsOf,
  checkedValues,
  errorSummary,
  fieldError,
  fieldValue,
  isInvalid,
  pageLink,
  textOf,
} from '../utils/html';
import { csrfFrom, type Client } from '../utils/http';
import { createTestApp, signedIn, TEST_START, type TestApp } from '../utils/test-app';

type Reply = number | 'hang';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP peer on 127.0.0.1 that answers with the scripted statuses (the last one repeats). */
class Receiver {
  readonly received: Received[] = [];
  private readonly hanging: ServerResponse[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly server: http.Server;
  url = '';

  constructor(private readonly replies: Reply[] = [200]) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        for (const wake of [...this.waiters]) wake();
        const reply = this.replies[Math.min(this.received.length, this.replies.length) - 1];
        if (reply === 'hang') this.hanging.push(res);
        else res.writeHead(reply, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  }

  /** Resolves once `count` requests have arrived; the timer only turns a hang into a clear failure. */
  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = () => {
        if (this.received.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Receiver: expected ${count} request(s), got ${this.received.length}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/seatdesk`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const lastSegment = (path: string) => path.split('/').pop() ?? '';
const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface DeliveryRecord {
  id: string;
  eventId: string;
  event: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  redeliveryOf: string | null;
}

describe('webhooks plugin', () => {
  let t: TestApp;
  let operator: Client;
  let operatorEmail: string;
  let operatorPassword: string;
  let settings: WebhookSettings;
  let deliveries: WebhookDeliveries;
  const receivers: Receiver[] = [];

  const receiver = async (replies?: Reply[]) => {
    const created = await new Receiver(replies).start();
    receivers.push(created);
    return created;
  };

  const sql = <T>(query: string, params: unknown[] = []) =>
    (t.app.get(MikroORM).em.fork() as EntityManager).execute<T[]>(query, params);

  const deliveriesOf = (endpointId: string) =>
    sql<DeliveryRecord>(
      `select id, event_id as eventId, event, status, attempts, response_status as responseStatus,
              last_error as lastError, redelivery_of as redeliveryOf
         from plg_webhooks_deliveries where endpoint_id = ? order by seq`,
      [endpointId],
    );

  /** Posts the new-endpoint form as a browser does (one `events` field per ticked box). */
  async function postEndpoint(fields: { url: string; events: string[]; secret?: string; enabled?: boolean }) {
    const form = await operator.get('/plugins/webhooks/new');
    const body = new URLSearchParams({ _csrf: csrfFrom(form.text), url: fields.url });
    for (const event of fields.events) body.append('events', event);
    if (fields.secret !== undefined) body.set('secret', fields.secret);
    if (fields.enabled ?? true) body.set('enabled', 'on');
    return operator.agent.post('/plugins/webhooks').type('form').send(body.toString()).redirects(0);
  }

  /** Registers an endpoint and reads its secret from the page shown once after creation. */
  async function register(url: string, events: string[], secret?: string) {
    const res = await postEndpoint({ url, events, secret });
    expect(res.status).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/plugins\/webhooks\/[0-9a-f-]{36}$/);
    const page = await operator.get(location);
    const shown = textOf(page.text, 'code#webhook-secret');
    if (!shown) throw new Error('The secret was not shown after creation');
    return { id: location.split('/').pop() as string, secret: shown, page: page.text };
  }

  async function createOrg(name: string) {
    const res = await operator.submit('/admin/organizations/new', { name }, '/admin/organizations');
    expect(res.status).toBe(303);
    const [org] = await sql<{ id: string }>('select id from organizations where name = ?', [name]);
    return org.id;
  }

  async function removeEndpoint(id: string) {
    const res = await operator.submit(`/plugins/webhooks/${id}/delete`, {}, `/plugins/webhooks/${id}/delete`);
    expect(res.status).toBe(303);
  }

  /** Waits for the events' listeners (after the commit) and the sends they started to be recorded. */
  async function settle(): Promise<void> {
    await t.app.get(AfterCommit).whenIdle();
    await deliveries.settled();
  }

  /** The endpoint's deliveries once every send started so far has been recorded. */
  async function attempted(endpointId: string): Promise<DeliveryRecord[]> {
    await settle();
    const rows = await deliveriesOf(endpointId);
    if (rows.length === 0 || rows.some((row) => row.attempts === 0 || row.status === 'sending')) {
      throw new Error(`No attempt recorded for endpoint ${endpointId}: ${JSON.stringify(rows)}`);
    }
    return rows;
  }

  /** Moves the clock; the operator signs in again, as the session may have gone idle meanwhile. */
  async function advance(seconds: number) {
    t.clock.advance(seconds);
    if ((await operator.get('/dashboard')).status !== 200) {
      expect((await operator.signIn(operatorEmail, operatorPassword)).status).toBe(303);
    }
  }

  const runJob = () => t.app.get(JobRegistry).get('webhooks.deliver').invoke('manual');

  beforeAll(async () => {
    t = await createTestApp({ PLUGINS: 'webhooks' });
    const signed = await signedIn(t, 'operator');
    operator = signed.client;
    operatorEmail = signed.email;
    operatorPassword = signed.password;
    settings = t.app.get(WebhookSettings);
    // The receivers listen on 127.0.0.1, which SeatDesk refuses unless told otherwise
    // (WEBHOOKS_ALLOW_LOOPBACK=on, read into this setting at start).
    settings.allowLoopback = true;
    deliveries = t.app.get(WebhookDeliveries);
  });
  afterEach(() => {
    settings.timeoutMs = 5000;
    settings.maxAttempts = 8;
    settings.allowLoopback = true;
  });
  afterAll(async () => {
    await t.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('POSTs a subscribed event once, signed with the secret shown once, without the secret being kept in clear', async () => {
    const peer = await receiver([200]);
    const endpoint = await register(peer.url, ['organization.created']);
    expect(endpoint.secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(endpoint.page).toContain('Webhook endpoint created. Copy its secret now: it is shown only once.');
    // Shown once: the next visit has no secret.
    expect((await operator.get(`/plugins/webhooks/${endpoint.id}`)).text).not.toContain(endpoint.secret);

    const orgId = await createOrg('Acme Webhooks');
    await peer.waitFor(1);
    await deliveries.settled();

    const [request] = peer.received;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-seatdesk-event']).toBe('organization.created');
    expect(request.headers['x-seatdesk-delivery']).toMatch(UUID);
    expect(request.headers['x-seatdesk-signature']).toBe(sign(endpoint.secret, request.body));
    expect(request.headers['x-seatdesk-signature']).not.toBe(sign('another-secret', request.body));
    const body = JSON.parse(request.body) as Record<string, unknown>;
    expect(body).toEqual({
      id: expect.stringMatching(UUID),
      event: 'organization.created',
      occurredAt: new Date(TEST_START).toISOString(),
      data: { organizationId: orgId, name: 'Acme Webhooks', actor: operatorEmail },
    });

    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({
      id: request.headers['x-seatdesk-delivery'],
      status: 'delivered',
      attempts: 1,
      responseStatus: 200,
    });
    const log = await operator.get(`/plugins/webhooks/${endpoint.id}`);
    expect(log.text).toContain(`data-delivery-id="${delivery.id}"`);
    expect(log.text).toContain('>Delivered</span>');

    // Sealed in the database, absent from the audit log.
    const [stored] = await sql<{ secretSealed: string }>(
      'select secret_sealed as secretSealed from plg_webhooks_endpoints where id = ?',
      [endpoint.id],
    );
    expect(stored.secretSealed).toMatch(/^v1\./);
    expect(stored.secretSealed).not.toContain(endpoint.secret);
    const audit = await sql<{ action: string; details: string | null; targetLabel: string }>(
      `select action, details, target_label as targetLabel from audit_entries where target_id = ?`,
      [endpoint.id],
    );
    expect(audit.map((entry) => entry.action)).toEqual(['webhook.endpoint_created']);
    expect(JSON.stringify(audit)).not.toContain(endpoint.secret);
    expect(JSON.parse(audit[0].details ?? '{}')).toEqual({
      url: peer.url,
      events: ['organization.created'],
      enabled: true,
    });

    await removeEndpoint(endpoint.id);
  });

  it('sends only the events an endpoint chose', async () => {
    const created = await receiver([200]);
    const renamed = await receiver([200]);
    const onCreated = await register(created.url, ['organization.created']);
    const onRenamed = await register(renamed.url, ['organization.renamed', 'user.created']);

    const orgId = await createOrg('Fabrikam Hooks');
    await created.waitFor(1);
    const rename = await operator.submit(
      `/admin/organizations/${orgId}/edit`,
      { name: 'Fabrikam Hooks EU' },
      `/admin/organizations/${orgId}`,
    );
    expect(rename.status).toBe(303);
    await renamed.waitFor(1);
    await deliveries.settled();

    expect(created.received.map((r) => r.headers['x-seatdesk-event'])).toEqual(['organization.created']);
    expect(renamed.received.map((r) => r.headers['x-seatdesk-event'])).toEqual(['organization.renamed']);
    expect(JSON.parse(renamed.received[0].body)).toMatchObject({
      data: { organizationId: orgId, name: 'Fabrikam Hooks EU', previousName: 'Fabrikam Hooks' },
    });
    expect((await deliveriesOf(onCreated.id)).map((d) => d.event)).toEqual(['organization.created']);
    expect((await deliveriesOf(onRenamed.id)).map((d) => d.event)).toEqual(['organization.renamed']);

    await removeEndpoint(onCreated.id);
    await removeEndpoint(onRenamed.id);
  });

  it('retries an endpoint that answered 500 after the backoff, and delivers once, with a secret the operator entered', async () => {
    const peer = await receiver([500, 200]);
    const secret = 'my-own-signing-secret-0123456789';
    const endpoint = await register(peer.url, ['organization.created'], secret);
    expect(endpoint.secret).toBe(secret);

    await createOrg('Retry Corp');
    await peer.waitFor(1);
    await deliveries.settled();
    let [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({
      status: 'pending',
      attempts: 1,
      responseStatus: 500,
      lastError: 'The endpoint answered 500.',
    });
    const log = await operator.get(`/plugins/webhooks/${endpoint.id}`);
    expect(log.text).toContain('>Retrying</span>');
    expect(log.text).toContain('The endpoint answered 500.');

    // Not due yet: the job sends nothing.
    expect(await runJob()).toMatchObject({ outcome: 'succeeded', counts: { delivered: 0, retried: 0, failed: 0 } });
    expect(peer.received).toHaveLength(1);

    await advance(settings.backoffSeconds);
    expect(await runJob()).toMatchObject({ outcome: 'succeeded', counts: { delivered: 1, retried: 0, failed: 0 } });
    expect(peer.received).toHaveLength(2);
    [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, responseStatus: 200 });
    // The same delivery, the same bytes, signed with the entered secret.
    expect(peer.received[1].headers['x-seatdesk-delivery']).toBe(peer.received[0].headers['x-seatdesk-delivery']);
    expect(peer.received[1].body).toBe(peer.received[0].body);
    expect(peer.received[1].headers['x-seatdesk-signature']).toBe(sign(secret, peer.received[1].body));

    // Delivered means done: later runs leave it alone.
    await advance(3600);
    expect(await runJob()).toMatchObject({ counts: { delivered: 0, retried: 0, failed: 0 } });
    expect(peer.received).toHaveLength(2);
    await removeEndpoint(endpoint.id);
  });

  it('gives up after the last attempt and marks the delivery failed', async () => {
    settings.maxAttempts = 3;
    const peer = await receiver([503]);
    const endpoint = await register(peer.url, ['organization.created']);
    await createOrg('Always Down');
    await peer.waitFor(1);
    await deliveries.settled();

    await advance(settings.backoffSeconds);
    expect(await runJob()).toMatchObject({ counts: { delivered: 0, retried: 1, failed: 0 } });
    await advance(settings.backoffSeconds * 2);
    expect(await runJob()).toMatchObject({ counts: { delivered: 0, retried: 0, failed: 1 } });
    expect(peer.received).toHaveLength(3);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, responseStatus: 503 });

    await advance(86_400);
    expect(await runJob()).toMatchObject({ counts: { delivered: 0, retried: 0, failed: 0 } });
    expect(peer.received).toHaveLength(3);
    const log = await operator.get(`/plugins/webhooks/${endpoint.id}`);
    expect(log.text).toContain('>Failed</span>');
    expect(log.text).toContain('Gave up after 3 attempts');
    await removeEndpoint(endpoint.id);
  });

  it('times out on an endpoint that hangs, while the request that caused the event answers at once', async () => {
    settings.timeoutMs = 2000;
    const peer = await receiver(['hang']);
    const endpoint = await register(peer.url, ['organization.created']);

    await createOrg('Slow Receiver Inc');
    // The peer never answers, so had the request waited for the send, the attempt would be over by now.
    for (const row of await deliveriesOf(endpoint.id)) {
      expect(['pending', 'sending']).toContain(row.status);
      expect(row.lastError).toBeNull();
    }

    await peer.waitFor(1);
    const [delivery] = await attempted(endpoint.id);
    expect(delivery).toMatchObject({
      status: 'pending',
      attempts: 1,
      responseStatus: null,
      lastError: 'Could not reach the endpoint.',
    });
    const log = await operator.get(`/plugins/webhooks/${endpoint.id}`);
    expect(textOf(log.text, '.app-delivery-error')).toBe('Could not reach the endpoint.');
    await removeEndpoint(endpoint.id);
  });

  it('records a closed port as it records a silent endpoint, and retries it later', async () => {
    settings.timeoutMs = 500;
    const closed = await receiver([200]);
    const url = closed.url;
    await closed.close();
    receivers.splice(receivers.indexOf(closed), 1);
    const endpoint = await register(url, ['organization.created']);
    await createOrg('Nobody Home');
    const [delivery] = await attempted(endpoint.id);
    expect(delivery).toMatchObject({
      status: 'pending',
      attempts: 1,
      responseStatus: null,
      lastError: 'Could not reach the endpoint.',
    });
    // Nothing on the page tells a closed port from one that does not answer.
    const log = await operator.get(`/plugins/webhooks/${endpoint.id}`);
    expect(textOf(log.text, '.app-delivery-error')).toBe('Could not reach the endpoint.');
    expect(log.text).not.toMatch(/refused|ECONN|timed out|No answer within/i);
    await removeEndpoint(endpoint.id);
  });

  it('redelivers an event as a new delivery with the same event id, and audits it', async () => {
    const peer = await receiver([200]);
    const endpoint = await register(peer.url, ['organization.created']);
    await createOrg('Redeliver Ltd');
    await peer.waitFor(1);
    await deliveries.settled();
    const [original] = await deliveriesOf(endpoint.id);

    const res = await operator.submit(
      `/plugins/webhooks/${endpoint.id}`,
      {},
      `/plugins/webhooks/${endpoint.id}/deliveries/${original.id}/redeliver`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/plugins/webhooks/${endpoint.id}`);
    await peer.waitFor(2);
    await deliveries.settled();

    const [first, again] = peer.received;
    expect(again.headers['x-seatdesk-delivery']).not.toBe(first.headers['x-seatdesk-delivery']);
    expect(again.body).toBe(first.body);
    expect(JSON.parse(again.body).id).toBe(original.eventId);
    expect(again.headers['x-seatdesk-signature']).toBe(sign(endpoint.secret, again.body));
    const rows = await deliveriesOf(endpoint.id);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      id: again.headers['x-seatdesk-delivery'],
      status: 'delivered',
      redeliveryOf: original.id,
    });
    const log = await operator.get(`/plugins/webhooks/${endpoint.id}`);
    expect(log.text).toContain('The event is being sent again as a new delivery.');
    expect(log.text).toContain(`Redelivery of <code>${original.id}</code>`);

    const audit = await sql<{ action: string; details: string }>(
      `select action, details from audit_entries where action = 'webhook.redelivered' and target_id = ?`,
      [endpoint.id],
    );
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].details)).toEqual({
      event: 'organization.created',
      deliveryId: rows[1].id,
      originalDeliveryId: original.id,
    });

    // Another endpoint's delivery, or none at all, is not found.
    const other = await register((await receiver()).url, ['user.created']);
    for (const path of [
      `/plugins/webhooks/${other.id}/deliveries/${original.id}/redeliver`,
      `/plugins/webhooks/${endpoint.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`,
      `/plugins/webhooks/${endpoint.id}/deliveries/not-an-id/redeliver`,
    ]) {
      expect((await operator.submit(`/plugins/webhooks/${endpoint.id}`, {}, path)).status).toBe(404);
    }
    await removeEndpoint(endpoint.id);
    await removeEndpoint(other.id);
  });

  it('refuses addresses that are not http(s), beside the field, keeping the input but never the secret', async () => {
    for (const [url, message] of [
      ['ftp://files.example.com/hook', 'Only http:// and https:// addresses can receive webhooks.'],
      ['javascript:alert(1)', 'Only http:// and https:// addresses can receive webhooks.'],
      ['not an address', 'Enter a full address that starts with https:// or http://.'],
      ['', 'Enter the address SeatDesk should send events to.'],
    ]) {
      const res = await postEndpoint({
        url,
        events: ['user.created', 'auth.logout'],
        secret: 'typed-secret-that-stays-private',
      });
      expect(res.status).toBe(400);
      expect(isInvalid(res.text, 'url')).toBe(true);
      expect(fieldError(res.text, 'url')).toBe(message);
      if (url) expect(fieldValue(res.text, 'url')).toBe(url);
      expect(checkedValues(res.text, 'events').sort()).toEqual(['auth.logout', 'user.created']);
      expect(res.text).not.toContain('typed-secret-that-stays-private');
    }

    const none = await postEndpoint({ url: 'https://example.com/hook', events: [] });
    expect(none.status).toBe(400);
    expect(none.text).toContain('Choose at least one event.');
    const unknown = await postEndpoint({ url: 'https://example.com/hook', events: ['license.stolen'] });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Choose events from the list.');
    const short = await postEndpoint({ url: 'https://example.com/hook', events: ['user.created'], secret: 'short' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('A secret you choose must be 16 to 200 characters');
    expect((await sql('select id from plg_webhooks_endpoints')).length).toBe(0);
  });

  it('edits and deletes an endpoint, audited; a disabled or deleted endpoint gets nothing more', async () => {
    const peer = await receiver([200]);
    const endpoint = await register(peer.url, ['organization.created']);
    // A canary endpoint shows each event did go out.
    const canary = await receiver([200]);
    const watcher = await register(canary.url, ['organization.created']);

    const list = await operator.get('/plugins/webhooks');
    expect(list.text).toContain(`href="/plugins/webhooks/${endpoint.id}"`);

    const edit = await operator.get(`/plugins/webhooks/${endpoint.id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain(`value="${peer.url}"`);
    expect(edit.text).toMatch(/value="organization\.created" checked/);
    expect(edit.text).not.toContain(endpoint.secret);
    const disabled = await operator.submit(
      `/plugins/webhooks/${endpoint.id}/edit`,
      { url: peer.url, events: 'organization.created' },
      `/plugins/webhooks/${endpoint.id}`,
    );
    expect(disabled.status).toBe(303);
    const show = await operator.get(`/plugins/webhooks/${endpoint.id}`);
    expect(show.text).toContain('Webhook endpoint saved.');
    expect(show.text).toContain('events are not sent');
    await createOrg('While Disabled');
    await canary.waitFor(1);
    await deliveries.settled();
    expect(peer.received).toHaveLength(0);

    const confirm = await operator.get(`/plugins/webhooks/${endpoint.id}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('This cannot be undone.');
    await removeEndpoint(endpoint.id);
    const after = await operator.get('/plugins/webhooks');
    expect(after.text).toContain(`Webhook endpoint ${peer.url} deleted.`);
    expect(after.text).not.toContain(`href="/plugins/webhooks/${endpoint.id}"`);
    expect((await operator.get(`/plugins/webhooks/${endpoint.id}`)).status).toBe(404);
    await createOrg('After Delete');
    await canary.waitFor(2);
    await deliveries.settled();
    expect(peer.received).toHaveLength(0);

    const actions = await sql<{ action: string }>('select action from audit_entries where target_id = ? order by id', [
      endpoint.id,
    ]);
    expect(actions.map((a) => a.action)).toEqual([
      'webhook.endpoint_created',
      'webhook.endpoint_updated',
      'webhook.endpoint_deleted',
    ]);
    await removeEndpoint(watcher.id);
  });

  describe('addresses with a password', () => {
    const password = 'p4ssw0rd-4';
    const withPassword = (url: string) => url.replace('://', `://svc:${password}@`);
    const idsOn = (html: string) => attrsOf(html, 'tbody td > a[href^="/plugins/webhooks/"]', 'href').map(lastSegment);
    const link = pageLink;
    const cursorOf = (href: string) =>
      Buffer.from(
        new URL(href, 'http://x').searchParams.get(href.includes('after=') ? 'after' : 'before') ?? '',
        'base64url',
      ).toString('utf8');

    it('pages the list by a key that holds no part of the address, every endpoint once', async () => {
      const ids: string[] = [];
      for (let n = 0; n <= PAGE_SIZE; n++) {
        // A second apart: the list is oldest first, so /in/0 is on the first page.
        t.clock.advance(1);
        ids.push((await register(withPassword(`https://hooks.example.com/in/${n}`), ['mail.failed'])).id);
      }
      const first = await operator.get('/plugins/webhooks');
      expect(first.status).toBe(200);
      const next = link(first.text, 'next');
      expect(next).toBeDefined();
      const second = await operator.get(next as string);
      expect(second.status).toBe(200);
      const prev = link(second.text, 'prev');
      expect(prev).toBeDefined();
      for (const href of [next as string, prev as string]) {
        const cursor = cursorOf(href);
        expect(cursor).not.toContain(password);
        expect(cursor).not.toContain('hooks.example.com');
      }
      for (const page of [first, second]) expect(page.text).not.toContain(password);
      expect(first.text).toContain('https://svc:***@hooks.example.com/in/0');

      const seen = [...idsOn(first.text), ...idsOn(second.text)];
      expect(idsOn(first.text)).toHaveLength(PAGE_SIZE);
      expect([...seen].sort()).toEqual([...ids].sort());
      // Back to the first page, the same rows.
      expect(idsOn((await operator.get(prev as string)).text)).toEqual(idsOn(first.text));

      for (const id of ids) await removeEndpoint(id);
    });

    it('shows the address masked in the edit form and keeps the saved password when the mask comes back', async () => {
      const peer = await receiver([200]);
      const url = withPassword(peer.url);
      const endpoint = await register(url, ['organization.renamed']);
      const masked = url.replace(password, '***');

      const edit = await operator.get(`/plugins/webhooks/${endpoint.id}/edit`);
      expect(edit.status).toBe(200);
      expect(edit.text).not.toContain(password);
      expect(edit.text).toContain(`value="${masked}"`);

      // Another field changes; the address comes back as the form showed it.
      const saved = await operator.submit(
        `/plugins/webhooks/${endpoint.id}/edit`,
        { url: masked, events: 'organization.created', enabled: 'on' },
        `/plugins/webhooks/${endpoint.id}`,
      );
      expect(saved.status).toBe(303);
      const [stored] = await sql<{ url: string }>('select url from plg_webhooks_endpoints where id = ?', [endpoint.id]);
      expect(stored.url).toBe(url);
      await createOrg('Basic Auth Ltd');
      await peer.waitFor(1);
      await deliveries.settled();
      expect(peer.received[0].headers.authorization).toBe(`Basic ${Buffer.from(`svc:${password}`).toString('base64')}`);

      for (const path of ['', '/edit', '/delete']) {
        expect((await operator.get(`/plugins/webhooks/${endpoint.id}${path}`)).text).not.toContain(password);
      }
      expect((await operator.get('/plugins/webhooks')).text).not.toContain(password);

      // The mask never carries the password to another host or user.
      for (const other of [masked.replace('127.0.0.1', '10.0.0.9'), masked.replace('svc:', 'admin:')]) {
        const moved = await operator.submit(
          `/plugins/webhooks/${endpoint.id}/edit`,
          { url: other, events: 'organization.created', enabled: 'on' },
          `/plugins/webhooks/${endpoint.id}`,
        );
        expect(moved.status).toBe(400);
        expect(fieldError(moved.text, 'url')).toBe(
          'Type the password in the address again: the saved one is kept only while the user name and host stay the same.',
        );
        expect(moved.text).not.toContain(password);
      }
      // A refused form does not show a password just typed either.
      const typed = await operator.submit(
        `/plugins/webhooks/${endpoint.id}/edit`,
        { url: peer.url.replace('://', '://svc:typed-n3w-pass@'), enabled: 'on' },
        `/plugins/webhooks/${endpoint.id}`,
      );
      expect(typed.status).toBe(400);
      expect(fieldError(typed.text, 'events')).toBe('Choose at least one event.');
      expect(typed.text).not.toContain('typed-n3w-pass');
      expect(typed.text).toContain(`value="${peer.url.replace('://', '://svc@')}"`);
      // A new endpoint has no saved password for the mask to stand for.
      const fresh = await postEndpoint({ url: masked, events: ['user.created'] });
      expect(fresh.status).toBe(400);
      expect(fieldError(fresh.text, 'url')).toBe('Type the password in the address again.');

      const [still] = await sql<{ url: string }>('select url from plg_webhooks_endpoints where id = ?', [endpoint.id]);
      expect(still.url).toBe(url);
      const audit = await sql<{ details: string; targetLabel: string }>(
        'select details, target_label as targetLabel from audit_entries where target_id = ?',
        [endpoint.id],
      );
      expect(JSON.stringify(audit)).not.toContain(password);
      await removeEndpoint(endpoint.id);
    });
  });

  describe('addresses with a secret in the query', () => {
    const token = 'q-t0ken-5ecret';

    it('shows and audits only the names of query parameters, and still delivers to the full address', async () => {
      const peer = await receiver([200]);
      const url = `${peer.url}?token=${token}&mode=full`;
      const masked = `${peer.url}?token=…&mode=…`;
      const endpoint = await register(url, ['organization.created']);
      expect(endpoint.page).not.toContain(token);
      expect(textOf(endpoint.page, '#endpoint-url')).toBe(masked);

      const list = await operator.get('/plugins/webhooks');
      expect(list.text).not.toContain(token);
      expect(textOf(list.text, `a[href="/plugins/webhooks/${endpoint.id}"]`)).toBe(masked);
      const edit = await operator.get(`/plugins/webhooks/${endpoint.id}/edit`);
      expect(edit.text).not.toContain(token);
      expect(fieldValue(edit.text, 'url')).toBe(masked);
      expect(textOf((await operator.get(`/plugins/webhooks/${endpoint.id}/delete`)).text, 'form code')).toBe(masked);

      // The form sends the masks back: the saved values stay.
      const saved = await operator.submit(
        `/plugins/webhooks/${endpoint.id}/edit`,
        { url: masked, events: 'organization.created', enabled: 'on' },
        `/plugins/webhooks/${endpoint.id}`,
      );
      expect(saved.status).toBe(303);
      const [stored] = await sql<{ url: string }>('select url from plg_webhooks_endpoints where id = ?', [endpoint.id]);
      expect(stored.url).toBe(url);
      await createOrg('Query Token Ltd');
      await peer.waitFor(1);
      await deliveries.settled();
      expect(peer.received[0].url).toBe(`/hooks/seatdesk?token=${token}&mode=full`);

      // …but never to another host; a refused form does not show a value just typed.
      const moved = await operator.submit(
        `/plugins/webhooks/${endpoint.id}/edit`,
        { url: masked.replace('127.0.0.1', 'hooks.example.com'), events: 'organization.created', enabled: 'on' },
        `/plugins/webhooks/${endpoint.id}`,
      );
      expect(moved.status).toBe(400);
      expect(fieldError(moved.text, 'url')).toBe(
        'Type the values shown as … in the address again: the saved ones are kept only while the user name and host stay the same.',
      );
      const typed = await operator.submit(
        `/plugins/webhooks/${endpoint.id}/edit`,
        { url: `${peer.url}?token=typed-n3w-t0ken`, enabled: 'on' },
        `/plugins/webhooks/${endpoint.id}`,
      );
      expect(typed.status).toBe(400);
      expect(typed.text).not.toContain('typed-n3w-t0ken');
      expect(fieldValue(typed.text, 'url')).toBe(`${peer.url}?token=`);

      const deleted = await operator.submit(
        `/plugins/webhooks/${endpoint.id}/delete`,
        {},
        `/plugins/webhooks/${endpoint.id}/delete`,
      );
      expect(deleted.status).toBe(303);
      const flash = await operator.get('/plugins/webhooks');
      expect(flash.text).toContain('deleted.');
      expect(flash.text).not.toContain(token);

      const audit = await sql<{ action: string; details: string; targetLabel: string }>(
        'select action, details, target_label as targetLabel from audit_entries where target_id = ? order by rowid',
        [endpoint.id],
      );
      expect(audit.map((entry) => entry.action)).toEqual([
        'webhook.endpoint_created',
        'webhook.endpoint_updated',
        'webhook.endpoint_deleted',
      ]);
      for (const entry of audit) {
        expect(entry.targetLabel).toBe(masked);
        expect(JSON.parse(entry.details).url).toBe(masked);
      }
      const csv = await operator.get('/admin/audit.csv?action=webhook.');
      expect(csv.status).toBe(200);
      expect(csv.text).toContain(masked);
      expect(csv.text).not.toContain(token);
    });
  });

  describe('addresses SeatDesk must not call', () => {
    it('refuses loopback, link-local, unspecified, multicast and broadcast addresses beside the field; private ones are fine', async () => {
      settings.allowLoopback = false;
      for (const [url, message] of [
        ['http://169.254.169.254/latest/meta-data/', 'The address 169.254.169.254 is not allowed (link-local).'],
        ['http://127.0.0.1:22/', 'The address 127.0.0.1 is not allowed (loopback).'],
        ['http://127.9.8.7/', 'The address 127.9.8.7 is not allowed (loopback).'],
        ['http://2130706433/', 'The address 127.0.0.1 is not allowed (loopback).'],
        ['http://[::1]:6379/', 'The address ::1 is not allowed (loopback).'],
        ['http://localhost:8080/hook', 'The address localhost is not allowed (loopback).'],
        ['http://api.LOCALHOST./hook', 'The address api.localhost. is not allowed (loopback).'],
        ['http://0.0.0.0:3000/', 'The address 0.0.0.0 is not allowed (unspecified).'],
        ['http://[::]/', 'The address :: is not allowed (unspecified).'],
        ['http://[::ffff:127.0.0.1]:22/', 'The address ::ffff:7f00:1 is not allowed (loopback).'],
        ['http://[::ffff:169.254.169.254]/', 'The address ::ffff:a9fe:a9fe is not allowed (link-local).'],
        ['http://[fe80::1]/', 'The address fe80::1 is not allowed (link-local).'],
        ['http://224.0.0.251:5353/', 'The address 224.0.0.251 is not allowed (multicast).'],
        ['http://[ff02::1]/', 'The address ff02::1 is not allowed (multicast).'],
        ['http://255.255.255.255/', 'The address 255.255.255.255 is not allowed (broadcast).'],
      ]) {
        const res = await postEndpoint({ url, events: ['mail.failed'] });
        expect(res.status).toBe(400);
        expect(fieldError(res.text, 'url')).toBe(message);
        expect(errorSummary(res.text)).toEqual([message]);
      }
      expect(await sql('select id from plg_webhooks_endpoints')).toHaveLength(0);

      // On-premise services on private networks are what webhooks are for.
      const accepted: string[] = [];
      for (const url of [
        'http://10.0.0.5:8080/in',
        'http://172.16.0.10/hook',
        'http://192.168.1.20/hook',
        'http://[fd12:3456::1]/hook',
        'https://hooks.example.com/in',
      ]) {
        const res = await postEndpoint({ url, events: ['mail.failed'] });
        expect(res.status).toBe(303);
        accepted.push(String(res.headers.location).split('/').pop() as string);
      }
      // Editing is held to the same rule.
      const edit = await operator.submit(
        `/plugins/webhooks/${accepted[0]}/edit`,
        { url: 'http://169.254.169.254/latest/', events: 'mail.failed' },
        `/plugins/webhooks/${accepted[0]}`,
      );
      expect(edit.status).toBe(400);
      expect(fieldError(edit.text, 'url')).toBe('The address 169.254.169.254 is not allowed (link-local).');

      // WEBHOOKS_ALLOW_LOOPBACK=on lets loopback through, nothing else.
      settings.allowLoopback = true;
      const loopback = await postEndpoint({ url: 'http://127.0.0.1:22/', events: ['mail.failed'] });
      expect(loopback.status).toBe(303);
      accepted.push(String(loopback.headers.location).split('/').pop() as string);
      const metadata = await postEndpoint({ url: 'http://169.254.169.254/', events: ['mail.failed'] });
      expect(fieldError(metadata.text, 'url')).toBe('The address 169.254.169.254 is not allowed (link-local).');
      for (const id of accepted) await removeEndpoint(id);
    });

    it('refuses at delivery an address that is, or resolves to, loopback: the same answer for open and closed ports, recorded once, never retried', async () => {
      const open = await receiver([200]);
      const closed = await receiver([200]);
      const closedUrl = closed.url;
      await closed.close();
      receivers.splice(receivers.indexOf(closed), 1);
      // Saved while loopback was allowed (or before this rule existed).
      const literal = await register(open.url, ['organization.created']);
      const shut = await register(closedUrl, ['organization.created']);
      const named = await register(open.url.replace('127.0.0.1', 'localhost'), ['organization.created']);

      settings.allowLoopback = false;
      await createOrg('Port Scan Inc');
      const refusal = 'The address 127.0.0.1 is not allowed (loopback).';
      for (const endpoint of [literal, shut]) {
        expect(await attempted(endpoint.id)).toEqual([
          expect.objectContaining({ status: 'failed', attempts: 1, responseStatus: null, lastError: refusal }),
        ]);
      }
      const [byName] = await attempted(named.id);
      expect(byName).toMatchObject({ status: 'failed', attempts: 1, responseStatus: null });
      expect(byName.lastError).toMatch(/^The address (127\.0\.0\.1|::1) of localhost is not allowed \(loopback\)\.$/);
      await deliveries.settled();
      expect(open.received).toHaveLength(0);

      const log = await operator.get(`/plugins/webhooks/${shut.id}`);
      expect(log.text).toContain(refusal);
      expect(log.text).not.toContain('Connection refused');
      expect(log.text).toContain('>Failed</span>');

      await advance(86_400);
      expect(await runJob()).toMatchObject({ counts: { delivered: 0, retried: 0, failed: 0 } });
      expect(open.received).toHaveLength(0);

      // An endpoint saved before can still be edited (disabled, its events changed) without moving it;
      // moving it to another refused host is refused.
      const keep = await operator.submit(
        `/plugins/webhooks/${literal.id}/edit`,
        { url: open.url, events: 'mail.failed' },
        `/plugins/webhooks/${literal.id}`,
      );
      expect(keep.status).toBe(303);
      const move = await operator.submit(
        `/plugins/webhooks/${literal.id}/edit`,
        { url: 'http://127.0.0.2:9/', events: 'mail.failed' },
        `/plugins/webhooks/${literal.id}`,
      );
      expect(move.status).toBe(400);
      expect(fieldError(move.text, 'url')).toBe('The address 127.0.0.2 is not allowed (loopback).');
      for (const endpoint of [literal, shut, named]) await removeEndpoint(endpoint.id);
    });

    it("refuses this machine's own network addresses, when saved and after DNS, unless loopback is allowed", async () => {
      // The machine's real (non-loopback) interface addresses.
      const own = Object.values(networkInterfaces())
        .flat()
        .filter((info) => info !== undefined && !info.internal && !info.address.startsWith('fe80:'))
        .map((info) => info!.address);
      const lanV4 = own.find((ip) => !ip.includes(':'));
      if (!lanV4) throw new Error('This machine has no non-loopback IPv4 address to test with');
      settings.allowLoopback = false;
      for (const ip of own) {
        const host = ip.includes(':') ? `[${ip}]` : ip;
        const res = await postEndpoint({ url: `http://${host}:8080/hook`, events: ['organization.created'] });
        expect(res.status).toBe(400);
        const message = `The address ${ip} is not allowed (this machine).`;
        expect(fieldError(res.text, 'url')).toBe(message);
        expect(errorSummary(res.text)).toEqual([message]);
      }
      const mapped = await postEndpoint({ url: `http://[::ffff:${lanV4}]/`, events: ['organization.created'] });
      expect(fieldError(mapped.text, 'url')).toMatch(
        /^The address ::ffff:[0-9a-f:]+ is not allowed \(this machine\)\.$/,
      );
      expect(await sql('select id from plg_webhooks_endpoints')).toHaveLength(0);

      // WEBHOOKS_ALLOW_LOOPBACK=on: a receiver on this machine is what the operator wants.
      settings.allowLoopback = true;
      const literal = await register(`http://${lanV4}:9/hook`, ['organization.created']);
      // A name is checked once resolved: here it answers with the machine's own address.
      const realLookup = dns.lookup as (...args: unknown[]) => void;
      const lookup = jest
        .spyOn(dns, 'lookup')
        .mockImplementation(((hostname: string, options: unknown, callback: (...args: unknown[]) => void) =>
          hostname === 'hooks.lan.test'
            ? callback(null, [{ address: lanV4, family: 4 }])
            : realLookup(hostname, options, callback)) as never);
      try {
        const named = await register('http://hooks.lan.test:9/hook', ['organization.created']);
        settings.allowLoopback = false;
        await createOrg('Own Address Inc');
        expect(await attempted(literal.id)).toEqual([
          expect.objectContaining({
            status: 'failed',
            attempts: 1,
            responseStatus: null,
            lastError: `The address ${lanV4} is not allowed (this machine).`,
          }),
        ]);
        expect(await attempted(named.id)).toEqual([
          expect.objectContaining({
            status: 'failed',
            attempts: 1,
            responseStatus: null,
            lastError: `The address ${lanV4} of hooks.lan.test is not allowed (this machine).`,
          }),
        ]);
        const log = await operator.get(`/plugins/webhooks/${named.id}`);
        expect(textOf(log.text, '.app-delivery-error')).toBe(
          `The address ${lanV4} of hooks.lan.test is not allowed (this machine).`,
        );
        await removeEndpoint(named.id);
      } finally {
        lookup.mockRestore();
      }
      await removeEndpoint(literal.id);
    });
  });

  describe('the enabled box and the secret', () => {
    /** Posts the new-endpoint form with fields exactly as given (repeated names, brackets). */
    async function postRaw(fields: [string, string][]) {
      const form = await operator.get('/plugins/webhooks/new');
      const body = new URLSearchParams([['_csrf', csrfFrom(form.text)], ...fields]);
      return operator.agent.post('/plugins/webhooks').type('form').send(body.toString()).redirects(0);
    }
    const base: [string, string][] = [
      ['url', 'https://hooks.example.com/in'],
      ['events', 'user.created'],
    ];

    it('shows the enabled box’s message beside it', async () => {
      const res = await postRaw([...base, ['enabled', 'yes']]);
      expect(res.status).toBe(400);
      expect(fieldError(res.text, 'enabled')).toBe('Tick the box or leave it empty.');
      expect(res.text).toMatch(
        /<input class="form-check-input is-invalid" type="checkbox" name="enabled" value="on" id="field-enabled"[^>]* aria-describedby="field-enabled-error"/,
      );
      expect(res.text).toContain('<div class="invalid-feedback d-block" id="field-enabled-error">');
      // With the address wrong too, each message stays beside its own field; an empty box has none.
      const both = await postRaw([['url', 'nope'], ...base.slice(1), ['enabled', 'yes']]);
      expect(fieldError(both.text, 'enabled')).toBe('Tick the box or leave it empty.');
      expect(fieldError(both.text, 'url')).toBe('Enter a full address that starts with https:// or http://.');
      const none = await postRaw([['url', 'nope'], ...base.slice(1)]);
      expect(fieldError(none.text, 'enabled')).toBeUndefined();
      expect(none.text).toContain('<div class="invalid-feedback" id="field-enabled-error"></div>');
    });

    it('asks for the secret as text, and refuses one of only spaces', async () => {
      for (const fields of [
        [...base, ['secret', 'first-half-of-a-secret'], ['secret', 'second-half-of-a-secret']],
        [...base, ['secret[inner]', 'a-secret-inside-an-object']],
      ] as [string, string][][]) {
        const res = await postRaw(fields);
        expect(res.status).toBe(400);
        expect(fieldError(res.text, 'secret')).toBe('Enter the secret as text.');
        expect(res.text).not.toContain('half-of-a-secret');
        expect(res.text).not.toContain('a-secret-inside');
      }
      const form = await operator.get('/plugins/webhooks/new');
      const number = await operator.agent
        .post('/plugins/webhooks')
        .send({
          _csrf: csrfFrom(form.text),
          url: 'https://hooks.example.com/in',
          events: ['user.created'],
          secret: 1234567890123456,
        })
        .redirects(0);
      expect(number.status).toBe(400);
      expect(fieldError(number.text, 'secret')).toBe('Enter the secret as text.');

      for (const blank of [' '.repeat(20), '\u00a0'.repeat(16), ` ${'\u200b'.repeat(18)} `]) {
        const spaces = await postRaw([...base, ['secret', blank]]);
        expect(spaces.status).toBe(400);
        expect(fieldError(spaces.text, 'secret')).toBe(
          'Enter a secret with characters other than spaces, or leave it empty to have one generated.',
        );
      }
      expect(await sql('select id from plg_webhooks_endpoints')).toHaveLength(0);
    });
  });

  it('answers unknown endpoints with 404 and refuses other roles', async () => {
    expect((await operator.get('/plugins/webhooks/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await operator.get('/plugins/webhooks/not-an-id')).status).toBe(404);
    const { client } = await signedIn(t, 'helpdesk');
    expect((await client.get('/plugins/webhooks/new')).status).toBe(403);
    const post = await client.submit(
      '/dashboard',
      { url: 'https://example.com', events: 'user.created' },
      '/plugins/webhooks',
    );
    expect(post.status).toBe(403);
    expect((await sql('select id from plg_webhooks_endpoints')).length).toBe(0);
  });
});

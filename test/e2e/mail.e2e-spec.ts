import { EntityManager } from '@mikro-orm/better-sqlite';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { withContext } from '../../src/platform/database/request-context';
import type { AppEventMap } from '../../src/platform/events/app-events';
import { JobsService } from '../../src/platform/jobs/jobs.service';
import { backoffSeconds, MAIL_MAX_ATTEMPTS } from '../../src/platform/mail/mail-retry';
import { MailRecipients } from '../../src/platform/mail/mail-recipients';
import { MailService } from '../../src/platform/mail/mail.service';
import type { Client } from '../utils/http';
import { attrOf, currentNavHref, fieldError, fieldValue, isInvalid, pageLink, textOf, textsOf } from '../utils/html';
import { parseMail } from '../utils/mail';
import { SmtpPeer } from '../utils/smtp-peer';
import { createPerson } from '../../seeds/factories';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

interface OutboxRow {
  id: number;
  status: string;
  attempts: number;
  lastError: string | null;
  smtpMessageId: string | null;
}

/** Reads and acts on one app's outbox the way the product does. */
function outbox(t: TestApp) {
  const mail = () => t.app.get(MailService);
  const em = () => t.app.get(EntityManager);
  return {
    enqueue: (to: string, data: Record<string, unknown> = {}) =>
      withContext(t.app, () => mail().enqueue('test-message', to, data)),
    rowsTo: (to: string) =>
      withContext(t.app, () =>
        em().execute<OutboxRow[]>(
          `select id, status, attempts, last_error as lastError, smtp_message_id as smtpMessageId
             from mail_messages where recipient = ? order by id`,
          [to],
        ),
      ),
    row: async (id: number) =>
      (
        await withContext(t.app, () =>
          em().execute<OutboxRow[]>(
            `select id, status, attempts, last_error as lastError, smtp_message_id as smtpMessageId
               from mail_messages where id = ?`,
            [id],
          ),
        )
      )[0],
    audit: (action: string) =>
      withContext(t.app, () =>
        em().execute<{ targetId: string; targetLabel: string; actorLabel: string; details: string | null }[]>(
          `select target_id as targetId, target_label as targetLabel, actor_label as actorLabel, details
             from audit_entries where action = ? order by id`,
          [action],
        ),
      ),
    /** The mail.deliver job, as the scheduler runs it. */
    deliverJob: () => t.app.get(JobsService).runNow('mail.deliver', 'schedule'),
    /** Waits for the delivery kicked by the last commit to finish. */
    settle: () => mail().whenIdle(),
  };
}

/** The row of one message on /admin/mail. */
const messageRow = (id: number) => `tr.mail-message[data-id="${id}"]`;

const NOTHING = { delivered: 0, retried: 0, failed: 0 };

describe('mail over SMTP', () => {
  // http: an https BASE_URL turns on Secure cookies, which supertest does not send back over http.
  const BASE_URL = 'http://desk.example.test:8080';
  let peer: SmtpPeer;
  let t: TestApp;
  let operator: Client;
  let o: ReturnType<typeof outbox>;

  beforeAll(async () => {
    peer = await SmtpPeer.start();
    t = await createTestApp({ SMTP_URL: peer.url, SMTP_TIMEOUT_SECONDS: '1', BASE_URL, PLUGINS: 'none' });
    o = outbox(t);
  });
  // A fresh session each time: some tests move the clock past the session's lifetime.
  beforeEach(async () => {
    operator = (await signedIn(t, 'operator')).client;
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });
  afterEach(async () => {
    await o.settle();
    peer.setMode('ok');
    await peer.up();
  });

  it('delivers the test message at once: To, Subject and a text part with absolute links', async () => {
    const to = 'first.reader@example.test';
    const res = await operator.submit('/admin/mail/test', { to });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/mail');

    const [received] = await peer.waitForMessages(1, { match: (m) => m.envelope.to.includes(to) });
    expect(received.to).toEqual([to]);
    expect(received.from).toContain('no-reply@localhost');
    expect(received.subject).toBe('Test message from SeatDesk');
    expect(received.text).toContain(`Mail outbox: ${BASE_URL}/admin/mail`);
    expect(received.text).toContain(`sent by SeatDesk at ${BASE_URL}/`);
    expect(received.htmlLinks).toContain(`${BASE_URL}/admin/mail`);
    for (const href of received.htmlLinks) expect(href.startsWith(`${BASE_URL}/`)).toBe(true);

    await o.settle();
    const [row] = await o.rowsTo(to);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null, smtpMessageId: received.messageId });

    const list = await operator.get('/admin/mail');
    expect(list.text).toContain('Test message to first.reader@example.test queued.');
    const tableRow = messageRow(row.id);
    expect(textOf(list.text, tableRow)).toContain(to);
    expect(textOf(list.text, `${tableRow} .badge.bg-green-lt`)).toBe('Sent');
    expect(textOf(list.text, `${tableRow} code`)).toBe('test-message');
    expect(list.text).toContain('SMTP server 127.0.0.1');

    const audit = await o.audit('mail.test_sent');
    expect(audit).toEqual([expect.objectContaining({ targetId: String(row.id), targetLabel: to })]);
  });

  it('shows the anti-phishing phrase near the top of the message', async () => {
    const to = 'phrase.reader@example.test';
    await o.enqueue(to, { antiPhishingPhrase: 'velvet otter' });
    const [received] = await peer.waitForMessages(1, { match: (m) => m.envelope.to.includes(to) });
    expect(received.text.indexOf('Your security phrase: velvet otter')).toBe(0);
    expect(received.html).toContain('Your security phrase: <strong>velvet otter</strong>');
  });

  it('queues many messages at once, each rendered with its own data and its reader’s phrase', async () => {
    const em = t.app.get(EntityManager);
    const mail = t.app.get(MailService);
    const readers = [await createPerson(t.app, { role: 'member' }), await createPerson(t.app, { role: 'member' })];
    await withContext(t.app, async () => {
      await em.execute('update people set anti_phishing_phrase = ? where id = ?', [
        'amber heron',
        readers[0].person.id,
      ]);
      await em.execute('update people set anti_phishing_phrase = ? where id = ?', [
        'slate badger',
        readers[1].person.id,
      ]);
    });
    const stranger = 'batch.stranger@example.test';
    const lookups = jest.spyOn(t.app.get(MailRecipients), 'recipients');
    const items = [
      { to: readers[0].email, requestedBy: 'Batch One' },
      { to: readers[1].email.toUpperCase(), requestedBy: 'Batch Two' },
      { to: stranger, requestedBy: 'Batch Three', antiPhishingPhrase: 'given phrase' },
      { to: readers[0].email, requestedBy: 'Batch Four' },
    ];
    const ids = await withContext(t.app, () =>
      em.transactional(() =>
        mail.enqueueMany(items.map(({ to, ...data }) => ({ template: 'test-message', to, data }))),
      ),
    );
    // Every address looked up in one call, once each.
    expect(lookups).toHaveBeenCalledTimes(1);
    expect(new Set(lookups.mock.calls[0][0]).size).toBe(3);
    lookups.mockRestore();

    expect(ids).toHaveLength(4);
    for (const [n, id] of ids.entries()) {
      const [row] = await withContext(t.app, () =>
        em.execute<{ recipient: string }[]>('select recipient from mail_messages where id = ?', [id]),
      );
      expect(row.recipient).toBe(items[n].to);
    }
    const received = await peer.waitForMessages(4, { match: (m) => /^Requested by Batch/m.test(m.text) });
    const byRequester = (name: string) => received.find((m) => m.text.includes(`Requested by ${name}.`));
    expect(byRequester('Batch One')?.to).toEqual([readers[0].email]);
    expect(byRequester('Batch One')?.text).toContain('Your security phrase: amber heron');
    // The address as given; its reader is found whatever its case.
    expect(byRequester('Batch Two')?.to.map((a) => a.toLowerCase())).toEqual([readers[1].email]);
    expect(byRequester('Batch Two')?.text).toContain('Your security phrase: slate badger');
    expect(byRequester('Batch Three')?.to).toEqual([stranger]);
    expect(byRequester('Batch Three')?.text).toContain('Your security phrase: given phrase');
    expect(byRequester('Batch Four')?.to).toEqual([readers[0].email]);
    expect(byRequester('Batch Four')?.text).toContain('Your security phrase: amber heron');
    await o.settle();
    for (const id of ids) expect(await o.row(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('delivers only after the commit, and nothing at all when the transaction rolls back', async () => {
    const em = t.app.get(EntityManager);
    const mail = t.app.get(MailService);
    const committed = 'committed@example.test';
    await withContext(t.app, () =>
      em.transactional(async () => {
        await mail.enqueue('test-message', committed);
        // Whatever the enqueue started has finished: delivery waits for the commit.
        await mail.whenIdle();
        expect(peer.to(committed)).toHaveLength(0);
      }),
    );
    await peer.waitForMessages(1, { match: (m) => m.envelope.to.includes(committed) });

    const rolledBack = 'rolled.back@example.test';
    await expect(
      withContext(t.app, () =>
        em.transactional(async () => {
          await mail.enqueue('test-message', rolledBack);
          throw new Error('the change failed');
        }),
      ),
    ).rejects.toThrow('the change failed');
    await o.settle();
    expect((await o.deliverJob()).counts).toEqual(NOTHING);
    expect(await o.rowsTo(rolledBack)).toEqual([]);
    expect(peer.to(rolledBack)).toHaveLength(0);
  });

  it('keeps the message when the SMTP server is down and delivers it exactly once when it is back', async () => {
    const to = 'after.outage@example.test';
    await peer.down();
    const id = await o.enqueue(to);
    await o.settle();
    const first = await o.row(id);
    expect(first).toMatchObject({ status: 'queued', attempts: 1 });
    expect(first.lastError).toMatch(/ECONNREFUSED/);
    expect(first.lastError).not.toMatch(/\n/);

    // Not due yet: the job leaves it alone.
    expect((await o.deliverJob()).counts).toEqual(NOTHING);
    expect((await o.row(id)).attempts).toBe(1);

    await peer.up();
    t.clock.advance(backoffSeconds(1) + 1);
    const run = await o.deliverJob();
    expect(run).toMatchObject({ outcome: 'succeeded', counts: { delivered: 1, retried: 0, failed: 0 } });
    expect(await o.row(id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });

    t.clock.advance(3600);
    expect((await o.deliverJob()).counts).toEqual(NOTHING);
    await o.settle();
    expect(peer.to(to)).toHaveLength(1);
  });

  it('retries after a temporary (4xx) refusal', async () => {
    const to = 'greylisted@example.test';
    peer.setMode('4xx');
    const id = await o.enqueue(to);
    await o.settle();
    const first = await o.row(id);
    expect(first).toMatchObject({ status: 'queued', attempts: 1 });
    expect(first.lastError).toContain('451');

    peer.setMode('ok');
    t.clock.advance(backoffSeconds(1) + 1);
    expect((await o.deliverJob()).counts).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(await o.row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(peer.to(to)).toHaveLength(1);
  });

  it('retries a 5xx refusal up to the cap, then marks it failed, visible and re-sendable', async () => {
    const to = 'no.such.mailbox@example.test';
    const failures: AppEventMap['mail.failed'][] = [];
    t.app.get(EventEmitter2).on('mail.failed', (event: AppEventMap['mail.failed']) => failures.push(event));
    peer.setMode('5xx');
    const id = await o.enqueue(to);
    await o.settle();
    expect(await o.row(id)).toMatchObject({ status: 'queued', attempts: 1 });

    for (let attempt = 2; attempt <= MAIL_MAX_ATTEMPTS; attempt++) {
      // Not a second early: a run just before the backoff ends does nothing.
      t.clock.advance(backoffSeconds(attempt - 1) - 2);
      expect((await o.deliverJob()).counts).toEqual(NOTHING);
      t.clock.advance(3);
      const { counts } = await o.deliverJob();
      expect(counts).toEqual(
        attempt < MAIL_MAX_ATTEMPTS ? { delivered: 0, retried: 1, failed: 0 } : { delivered: 0, retried: 0, failed: 1 },
      );
    }
    const failed = await o.row(id);
    expect(failed).toMatchObject({ status: 'failed', attempts: MAIL_MAX_ATTEMPTS });
    expect(failed.lastError).toContain('550');
    t.clock.advance(7200);
    expect((await o.deliverJob()).counts).toEqual(NOTHING);
    operator = (await signedIn(t, 'operator')).client;

    await o.settle();
    expect(failures).toEqual([
      expect.objectContaining({ messageId: String(id), to, template: 'test-message', error: failed.lastError }),
    ]);

    const page = await operator.get('/admin/mail?status=failed');
    expect(page.status).toBe(200);
    const tableRow = messageRow(id);
    expect(textOf(page.text, tableRow)).toContain(to);
    expect(textOf(page.text, `${tableRow} .badge.bg-red-lt`)).toBe('Failed');
    expect(textOf(page.text, tableRow)).toContain('Mailbox unavailable (test peer)');
    expect(attrOf(page.text, `${tableRow} form`, 'action')).toBe(`/admin/mail/${id}/resend`);

    peer.setMode('ok');
    const resend = await operator.submit('/admin/mail?status=failed', {}, `/admin/mail/${id}/resend`);
    expect(resend.status).toBe(303);
    expect(resend.headers.location).toBe('/admin/mail');
    await peer.waitForMessages(1, { match: (m) => m.envelope.to.includes(to) });
    await o.settle();
    expect(await o.row(id)).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(await o.audit('mail.resent')).toEqual([expect.objectContaining({ targetId: String(id), targetLabel: to })]);

    // Only a failed message is re-sent: a second click changes nothing.
    const again = await operator.submit('/admin/mail/test', {}, `/admin/mail/${id}/resend`);
    expect(again.status).toBe(303);
    expect((await operator.get('/admin/mail')).text).toContain('Only a failed message can be re-sent');
    await o.settle();
    expect(peer.to(to)).toHaveLength(1);
    expect(await o.audit('mail.resent')).toHaveLength(1);
  });

  it('answers the request at once while the SMTP server hangs, and the attempt times out', async () => {
    const to = 'slow.server@example.test';
    peer.setMode('hang');
    const hungBefore = peer.hung;
    const res = await operator.submit('/admin/mail/test', { to });
    expect(res.status).toBe(303);
    // The answer is here and the peer has not answered (it never will): no attempt has ended yet.
    const [atAnswer] = await o.rowsTo(to);
    expect(['queued', 'sending']).toContain(atAnswer.status);
    expect(atAnswer.lastError).toBeNull();

    // Settles once the attempt on the hanging peer has timed out.
    await o.settle();
    expect(peer.hung).toBeGreaterThan(hungBefore);
    const timedOut = await o.row(atAnswer.id);
    expect(timedOut).toMatchObject({ status: 'queued', attempts: 1 });
    expect(timedOut.lastError).toMatch(/ETIMEDOUT|timeout|Greeting never received/i);
    expect(peer.to(to)).toHaveLength(0);

    peer.setMode('ok');
    t.clock.advance(backoffSeconds(1) + 1);
    expect((await o.deliverJob()).counts).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(peer.to(to)).toHaveLength(1);
  });

  it('re-renders the test form with the message beside the field for a bad address', async () => {
    const res = await operator.submit('/admin/mail/test', { to: 'not-an-address' });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'to')).toBe('Enter an email address like name@example.com.');
    expect(isInvalid(res.text, 'to')).toBe(true);
    expect(fieldValue(res.text, 'to')).toBe('not-an-address');
    expect(attrOf(res.text, '.app-error-list a', 'href')).toBe('#field-to');
    expect(await o.rowsTo('not-an-address')).toEqual([]);
  });

  it('refuses a POST without _csrf', async () => {
    const to = 'forged@example.test';
    const forged = await operator.postWithoutCsrf('/admin/mail/test', { to });
    expect(forged.status).toBe(403);
    expect(await o.rowsTo(to)).toEqual([]);
    const [sent] = await o.rowsTo('first.reader@example.test');
    expect((await operator.postWithoutCsrf(`/admin/mail/${sent.id}/resend`)).status).toBe(403);
  });

  it('answers an unknown or malformed message id with 404', async () => {
    expect((await operator.submit('/admin/mail/test', {}, '/admin/mail/999999/resend')).status).toBe(404);
    expect((await operator.submit('/admin/mail/test', {}, '/admin/mail/not-an-id/resend')).status).toBe(404);
  });

  it.each(['member', 'admin', 'helpdesk'] as const)('refuses the mail pages to a %s', async (role) => {
    const { client } = await signedIn(t, role);
    expect((await client.get('/admin/mail')).status).toBe(403);
    expect((await client.get('/admin/mail/test')).status).toBe(403);
    const to = `sneaky.${role}@example.test`;
    expect((await client.submit('/dashboard', { to }, '/admin/mail/test')).status).toBe(403);
    const [sent] = await o.rowsTo('first.reader@example.test');
    expect((await client.submit('/dashboard', {}, `/admin/mail/${sent.id}/resend`)).status).toBe(403);
    expect(await o.rowsTo(to)).toEqual([]);
    expect((await client.get('/dashboard')).text).not.toContain('href="/admin/mail"');
  });

  it('sends a visitor without a session to sign-in', async () => {
    const res = await request(t.server).get('/admin/mail').redirects(0);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/admin/mail')}`);
  });

  it('shows operators the Mail navigation item', async () => {
    const res = await operator.get('/admin/mail');
    expect(currentNavHref(res.text)).toBe('/admin/mail');
  });
});

describe('mail through the file transport', () => {
  const BASE_URL = 'http://files.example.test';
  let t: TestApp;
  let operator: Client;
  let o: ReturnType<typeof outbox>;

  beforeAll(async () => {
    t = await createTestApp({ BASE_URL, PLUGINS: 'none' });
    await createOperator(t);
    operator = (await signedIn(t, 'operator')).client;
    o = outbox(t);
  });
  afterAll(() => t?.close());

  it('writes DATA_DIR/mail/<time>-<id>.eml with To, Subject and the link in full', async () => {
    const to = 'file.reader@example.test';
    const id = await o.enqueue(to, { requestedBy: 'Ops <ops@example.test>' });
    await o.settle();
    const dir = join(t.dataDir, 'mail');
    expect(readdirSync(dir)).toEqual([`20261126T100000Z-${id}.eml`]);
    const file = join(dir, `20261126T100000Z-${id}.eml`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const raw = readFileSync(file, 'utf8');
    expect(raw).toMatch(/^[\s\S]*\r\n\r\n/); // CRLF line ends, header block first
    const mail = await parseMail(raw);
    expect(mail.to).toEqual([to]);
    expect(mail.subject).toBe('Test message from SeatDesk');
    expect(mail.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(mail.text).toContain(`${BASE_URL}/admin/mail`);
    expect(mail.text).toContain('Requested by Ops <ops@example.test>.');
    expect(mail.html).toContain('Requested by Ops &lt;ops@example.test&gt;.');
    expect(await o.row(id)).toMatchObject({ status: 'sent', attempts: 1, smtpMessageId: mail.messageId });

    const page = await operator.get('/admin/mail');
    expect(page.text).toContain(`Files in ${dir}`);
  });

  it('lists the outbox newest first, a page at a time, and filters by status', async () => {
    for (let i = 0; i < 30; i++) {
      await o.enqueue(`page.${String(i).padStart(2, '0')}@example.test`);
      t.clock.advance(1);
    }
    await o.settle();
    const recipients = (html: string) => textsOf(html, 'tr.mail-message > td:first-child');

    const first = await operator.get('/admin/mail');
    const firstPage = recipients(first.text);
    expect(firstPage).toHaveLength(25);
    expect(firstPage.slice(0, 3)).toEqual(['page.29@example.test', 'page.28@example.test', 'page.27@example.test']);
    const next = pageLink(first.text, 'next')!;
    const second = await operator.get(next);
    const secondPage = recipients(second.text);
    expect(secondPage.slice(0, 5)).toEqual([
      'page.04@example.test',
      'page.03@example.test',
      'page.02@example.test',
      'page.01@example.test',
      'page.00@example.test',
    ]);
    expect(secondPage).toContain('file.reader@example.test');
    expect(new Set([...firstPage, ...secondPage]).size).toBe(firstPage.length + secondPage.length);
    const prev = pageLink(second.text, 'prev')!;
    expect(recipients((await operator.get(prev)).text)).toEqual(firstPage);

    const sentOnly = await operator.get('/admin/mail?status=sent');
    expect(sentOnly.text).toContain('Showing Sent messages only');
    expect(recipients(sentOnly.text)).toHaveLength(25);
    const failedOnly = await operator.get('/admin/mail?status=failed');
    expect(recipients(failedOnly.text)).toEqual([]);
    expect(failedOnly.text).toContain('No Failed messages.');
    // An unknown status or a tampered cursor is ignored, not an error.
    expect((await operator.get('/admin/mail?status=bogus&after=%%%garbage')).status).toBe(200);
  });
});

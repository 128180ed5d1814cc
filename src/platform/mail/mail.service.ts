import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../common/config.module';
import type { AppConfig } from '../../config/app.config';
import { Clock } from '../../common/clock';
import { isMailAddress } from '../../common/http/email-address';
import { NotFound } from '../../common/errors/app-error';
import { toPage, type Page, type PageRequest } from '../../common/pagination';
import { currentRequestInfo } from '../../common/request-info';
import { AfterCommit } from '../database/after-commit';
import { AuditService } from '../audit/audit.service';
import { MailDeliveryService, type MailDeliveryCounts } from './mail-delivery.service';
import { MailOutboxRepository, type MailMessageRow, type MailStatus } from './mail-outbox.repository';
import { MailRenderer, type MailData } from './mail-renderer';
import { MailRecipients, OrganizationTimeZones, type MailRecipient } from './mail-recipients';

/** One message for enqueueMany(). */
export interface MailItem {
  template: string;
  to: string;
  data?: MailData;
  /**
   * Who reads it, when the caller knows better than a lookup can: a person
   * created in the same piece of work, before the mail is prepared. Left
   * out, the reader is looked up by address.
   */
  reader?: MailRecipient;
}

/** A message checked and rendered by MailService.prepare(), ready for enqueuePrepared(). */
export class PreparedMail {
  constructor(
    readonly template: string,
    readonly to: string,
    readonly subject: string,
    readonly text: string,
    readonly html: string,
  ) {}
}

/**
 * The outbox. Other modules call enqueue() inside their own transaction; the
 * message is delivered after the commit, at once, without the request waiting,
 * and retried by the `mail.deliver` job until it is sent or fails for good.
 */
@Injectable()
export class MailService {
  constructor(
    private readonly em: EntityManager,
    private readonly recipients: MailRecipients,
    private readonly organizationZones: OrganizationTimeZones,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: MailOutboxRepository,
    private readonly renderer: MailRenderer,
    private readonly delivery: MailDeliveryService,
    private readonly afterCommit: AfterCommit,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Renders `views/mail/<template>.{html,text}.hbs` with `data` and stores the
   * message in the caller's transaction (it disappears with a rollback);
   * delivery starts once that transaction commits. Returns the message id.
   * Without `data.antiPhishingPhrase` (undefined; null means none), the
   * recipient's own phrase is looked up, so every mail to a person carries it.
   */
  async enqueue(template: string, to: string, data: MailData = {}): Promise<number> {
    const [id] = await this.enqueueMany([{ template, to, data }]);
    return id;
  }

  /**
   * enqueue() for many messages at once (an import's invitations): the
   * recipients and their organizations' time zones are looked up once per
   * distinct value, each message is rendered with its own data, and the
   * outbox is written a chunk per statement. One delivery run starts after
   * the commit. Returns the message ids, in the order given.
   */
  async enqueueMany(items: readonly MailItem[]): Promise<number[]> {
    return this.enqueuePrepared(await this.prepare(items));
  }

  /**
   * The first half of enqueueMany(): checks the addresses, looks up the
   * readers and renders every message, without writing. A caller with many
   * messages prepares them before its transaction, so rendering never holds
   * the database, and queues them inside it with enqueuePrepared().
   */
  async prepare(items: readonly MailItem[]): Promise<PreparedMail[]> {
    const addresses = items.map(({ to }) => {
      const address = typeof to === 'string' ? to.trim() : '';
      // One plain address, no display name, no list: anything else is a caller's bug
      // (forms check the same rule with @IsEmailAddress()).
      if (!isMailAddress(address)) throw new Error(`Mail recipient "${String(to)}" is not one address`);
      return address;
    });
    const unnamed = [...new Set(addresses.filter((_, i) => !items[i].reader).map((a) => a.toLowerCase()))];
    const found = unnamed.length > 0 ? await this.recipients.recipients(unnamed) : new Map<string, MailRecipient>();
    const readers = items.map(({ reader }, i) => reader ?? found.get(addresses[i].toLowerCase()));
    const zones = new Map<string, string | null>();
    for (const reader of readers) {
      if (reader && !reader.timeZone && reader.organizationId && !zones.has(reader.organizationId)) {
        zones.set(reader.organizationId, await this.organizationZones.timeZoneOf(reader.organizationId));
      }
    }
    return items.map(({ template, data = {} }, i) => {
      const reader = readers[i];
      const antiPhishingPhrase =
        data.antiPhishingPhrase !== undefined ? data.antiPhishingPhrase : (reader?.antiPhishingPhrase ?? null);
      // Times in the reader's zone: their own, their organization's, or the install's.
      const timeZone =
        reader?.timeZone ?? (reader?.organizationId ? zones.get(reader.organizationId) : null) ?? this.config.timeZone;
      const rendered = this.renderer.render(template, { ...data, antiPhishingPhrase, timeZone });
      return new PreparedMail(template, addresses[i], rendered.subject, rendered.text, rendered.html);
    });
  }

  /**
   * The second half of enqueueMany(): stores prepared messages in the
   * caller's transaction, a chunk per statement; one delivery run starts
   * after the commit. Returns the message ids, in the order given.
   */
  async enqueuePrepared(mails: readonly PreparedMail[]): Promise<number[]> {
    if (mails.length === 0) return [];
    const now = +this.clock.now();
    const ids = await this.outbox.insertMany(
      mails.map(({ template, to, subject, text, html }) => ({ template, to, subject, text, html, now })),
    );
    this.afterCommit.run(() => this.delivery.kick());
    return ids;
  }

  /** Delivers what is due now (the `mail.deliver` job). Never call it inside a transaction. */
  deliverDue(): Promise<MailDeliveryCounts> {
    return this.delivery.deliverDue();
  }

  /**
   * Resolves once the work started by the last commit has finished, and the
   * delivery that work started too (tests, benchmarks).
   */
  async whenIdle(): Promise<void> {
    await this.afterCommit.whenIdle();
    await this.delivery.whenIdle();
  }

  get transportDescription(): string {
    return this.delivery.transportDescription;
  }

  async list(request: PageRequest, status?: MailStatus): Promise<Page<MailMessageRow>> {
    // A cursor is an id; anything else was altered and is ignored.
    const valid = (cursor: PageRequest['after']) => (cursor && Number.isSafeInteger(cursor[0]) ? cursor : null);
    const clean = { ...request, after: valid(request.after), before: valid(request.before) };
    return toPage(await this.outbox.list(clean, status), clean, (row) => [row.id]);
  }

  /** How many messages have one status (operators' dashboard: the failed ones). */
  countWithStatus(status: MailStatus): Promise<number> {
    return this.outbox.countWithStatus(status);
  }

  /** Puts a failed message back in the queue (audited); false when it is not failed. */
  async resend(id: number): Promise<{ message: MailMessageRow; resent: boolean }> {
    return this.em.transactional(async () => {
      const requeued = await this.outbox.requeueFailed(id, +this.clock.now());
      if (!requeued) {
        const message = await this.outbox.findRow(id);
        if (!message) throw new NotFound('This message does not exist.');
        return { message, resent: false };
      }
      await this.audit.record({
        action: 'mail.resent',
        target: { type: 'mail_message', id: String(id), label: requeued.to },
        organizationId: null,
        details: { template: requeued.template, subject: requeued.subject },
      });
      this.afterCommit.run(() => this.delivery.kick());
      return { message: requeued, resent: true };
    });
  }

  /** Queues the `test-message` template to `to` (audited). */
  async sendTest(to: string): Promise<number> {
    return this.em.transactional(async () => {
      const address = to.trim();
      const id = await this.enqueue('test-message', address, { requestedBy: currentRequestInfo().actor?.label });
      await this.audit.record({
        action: 'mail.test_sent',
        target: { type: 'mail_message', id: String(id), label: address },
        organizationId: null,
        details: { template: 'test-message' },
      });
      return id;
    });
  }
}

import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import { Conflict, FORM_LEVEL } from '../../common/errors/app-error';
import { toPage, type Page, type PageRequest } from '../../common/pagination';
import { currentRequestInfo } from '../../common/request-info';
import type { AppConfig } from '../../config/app.config';
import { AuditService } from '../../platform/audit/audit.service';
import { MailService, type MailItem } from '../../platform/mail/mail.service';
import { CatalogService } from '../catalog/catalog.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { PeopleService } from '../people/people.service';
import type { LicenseStatus } from './licenses.repository';
import { LicensesService } from './licenses.service';
import { maskProductKey } from './product-key';
import {
  RemindersRepository,
  type DueLicenseRow,
  type LedgerRow,
  type RenewalRow,
  type StageSpec,
} from './reminders.repository';
import { RenewalBilling } from './renewal-billing';

const DAY = 86_400_000;
/** Licenses per chunk: each chunk's ledger rows, mails, history and audit commit together. */
const CHUNK = 500;
export const REMINDER_TEMPLATE = 'license-reminder';

/** One reminder stage: `expiry-<days>` before the expiry (0: on it) or `grace-<days>` before the grace period ends. */
export interface ReminderStage extends StageSpec {
  days: number;
  label: string;
}

/** What one license's reminder is, in a run (or the preview of the next run). */
export interface PlannedReminder {
  licenseId: string;
  organizationId: string;
  organizationName?: string;
  productName: string;
  keyHint: string;
  seats: number;
  autoRenew: boolean;
  expiresAt: number;
  status: LicenseStatus;
  stage: ReminderStage;
  /** Older stages of the same term, past too: recorded as skipped, never sent. */
  skipped: ReminderStage[];
  subject: string;
  /** The addresses it goes to: active admins who did not opt out, then the billing email. */
  recipients: string[];
}

export interface ReminderRunCounts {
  reminders: number;
  skipped: number;
  mails: number;
}

/** A license of the /admin/renewals lists, with names. */
export interface RenewalItem extends RenewalRow {
  productName: string;
  organizationName: string;
}

/** A reminder that comes due within a window (/admin/renewals). */
export interface UpcomingReminder {
  license: RenewalItem;
  stage: ReminderStage;
  at: number;
  /** When the license's reminders are snoozed past the stage's time: it goes out when the snooze ends. */
  snoozed: boolean;
}

/** Where the next run's preview continues: the status pass, then the keyset. */
export type PreviewCursor = [number, number, string];

const PASSES: readonly ('active' | 'grace')[] = ['active', 'grace'];

const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Renewal reminders (the `licenses.renewal-reminders` job): mail to an
 * organization's admins and billing email at each stage before a license's
 * expiry (REMINDER_DAYS) and before its grace period ends
 * (GRACE_REMINDER_DAYS). Each stage goes out once per license and term: the
 * ledger row is written with `on conflict do nothing` and only the rows a
 * run wrote are mailed, in the same transaction as the mail, the history
 * lines and the audit entries, a chunk of licenses at a time. A late run
 * sends the latest stage past and records the older ones as skipped; a
 * renewal moves the expiry, so the old term's stages never fire. Also:
 * snoozing a license's reminders, opting out of reminder mail, and what
 * /admin/renewals shows.
 */
@Injectable()
export class RenewalRemindersService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly reminders: RemindersRepository,
    private readonly licenses: LicensesService,
    private readonly catalog: CatalogService,
    private readonly organizations: OrganizationsService,
    private readonly people: PeopleService,
    private readonly billing: RenewalBilling,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The configured stages, earliest first. */
  stages(): ReminderStage[] {
    const stages: ReminderStage[] = this.config.reminderDays.map((days) => ({
      stage: `expiry-${days}`,
      kind: 'expiry',
      days,
      offsetMs: -days * DAY,
      label: days === 0 ? 'On expiry' : `${plural(days, 'day')} before expiry`,
    }));
    const grace = this.config.graceReminderDays;
    if (grace !== null) {
      stages.push({
        stage: `grace-${grace}`,
        kind: 'grace',
        days: grace,
        offsetMs: (this.config.graceDays - grace) * DAY,
        label: `${plural(grace, 'day')} before the grace period ends`,
      });
    }
    return stages.sort((a, b) => a.offsetMs - b.offsetMs);
  }

  /** A stage's label (history lines, pages); an unknown name as it is. */
  stageLabel(name: string): string {
    return this.stages().find((s) => s.stage === name)?.label ?? name;
  }

  /** Sends the reminders due now (the job). */
  async run(): Promise<ReminderRunCounts> {
    const now = +this.clock.now();
    const stages = this.stages();
    const counts: ReminderRunCounts = { reminders: 0, skipped: 0, mails: 0 };
    for (const status of PASSES) {
      let after: [number, string] | null = null;
      for (;;) {
        const rows = await this.reminders.due(stages, status, now, this.upTo(status, now), after, CHUNK);
        if (rows.length === 0) break;
        const last = rows[rows.length - 1];
        after = [last.expiresAt, last.id];
        await this.sendChunk(await this.plan(rows, stages, now), now, counts);
        // Requests get a turn between chunks.
        await new Promise((resolve) => setImmediate(resolve));
        if (rows.length < CHUNK) break;
      }
    }
    return counts;
  }

  /**
   * The dry run: what the job would send now, to whom, without writing, a
   * page at a time (`limit` reminders after `after`).
   */
  async preview(
    after: PreviewCursor | null,
    limit: number,
  ): Promise<{ items: PlannedReminder[]; next: PreviewCursor | null }> {
    const now = +this.clock.now();
    const stages = this.stages();
    const items: PlannedReminder[] = [];
    const cursors: PreviewCursor[] = [];
    for (let pass = after?.[0] ?? 0; pass < PASSES.length && items.length <= limit; pass++) {
      const from: [number, string] | null = after && after[0] === pass ? [after[1], after[2]] : null;
      const rows = await this.reminders.due(
        stages,
        PASSES[pass],
        now,
        this.upTo(PASSES[pass], now),
        from,
        limit + 1 - items.length,
      );
      items.push(...(await this.plan(rows, stages, now)));
      cursors.push(...rows.map((row): PreviewCursor => [pass, row.expiresAt, row.id]));
    }
    const names = await this.organizations.namesOf([...new Set(items.map((item) => item.organizationId))]);
    const shown = items.slice(0, limit).map((item) => ({
      ...item,
      organizationName: names.get(item.organizationId) ?? 'An organization',
    }));
    return { items: shown, next: items.length > limit ? cursors[limit - 1] : null };
  }

  /** Snoozes a license's reminders for `days` days (org admins). */
  async snooze(organizationId: string, licenseId: string, days: number): Promise<{ until: number; product: string }> {
    return this.em.transactional(async () => {
      const license = await this.licenses.get(organizationId, licenseId);
      const now = +this.clock.now();
      const until = now + days * DAY;
      if ((await this.reminders.snooze(licenseId, until, now)) === 0) {
        throw refused('This license is cancelled: it has no reminders to snooze.');
      }
      const details = { days, until: dateOf(until) };
      await this.reminders.addEvents(
        [{ licenseId, kind: 'reminders_snoozed', details: JSON.stringify(details) }],
        now,
        this.actorLabel(),
      );
      await this.audit.record({
        action: 'license.reminders_snoozed',
        target: { type: 'license', id: licenseId, label: `${license.product.name} …${license.keyHint}` },
        organizationId: license.organizationId,
        details,
      });
      return { until, product: license.product.name };
    });
  }

  /** Ends a license's snooze (org admins); false when its reminders were not snoozed. */
  async resume(organizationId: string, licenseId: string): Promise<boolean> {
    return this.em.transactional(async () => {
      const license = await this.licenses.get(organizationId, licenseId);
      const now = +this.clock.now();
      if ((await this.reminders.resume(licenseId, now)) === 0) return false;
      await this.reminders.addEvents([{ licenseId, kind: 'reminders_resumed', details: '{}' }], now, this.actorLabel());
      await this.audit.record({
        action: 'license.reminders_resumed',
        target: { type: 'license', id: licenseId, label: `${license.product.name} …${license.keyHint}` },
        organizationId: license.organizationId,
      });
      return true;
    });
  }

  /** Until when a license's reminders are snoozed (null: they are not). */
  snoozedUntil(licenseId: string): Promise<number | null> {
    return this.reminders.snoozedUntil(licenseId, +this.clock.now());
  }

  /** Whether this person gets renewal reminder mail. */
  async reminderMailOn(personId: string): Promise<boolean> {
    return !(await this.reminders.optedOut([personId])).has(personId);
  }

  /** Turns renewal reminder mail on or off for the signed-in admin; false when it already was. */
  async setReminderMail(
    person: { id: string; email: string; organizationId: string | null },
    on: boolean,
  ): Promise<boolean> {
    return this.em.transactional(async () => {
      if ((await this.reminders.setOptOut(person.id, !on, +this.clock.now())) === 0) return false;
      await this.audit.record({
        action: on ? 'license.reminder_mail_opted_in' : 'license.reminder_mail_opted_out',
        target: { type: 'person', id: person.id, label: person.email },
        organizationId: person.organizationId,
      });
      return true;
    });
  }

  /** Active licenses expiring within `days` days that renew (auto-renew on) or lapse (off), by expiry. */
  async renewing(autoRenew: boolean, days: number, request: PageRequest): Promise<Page<RenewalItem>> {
    const now = +this.clock.now();
    const rows = await this.reminders.renewing(autoRenew, now, now + days * DAY, request);
    const page = toPage(rows, request, (row) => [row.expiresAt, row.id]);
    return { ...page, rows: await this.withNames(page.rows) };
  }

  /**
   * The reminders that come due within `days` days from now, a page of
   * licenses at a time (by expiry), each with its stages in the window that
   * the ledger does not hold. What is due already is the preview's.
   */
  async upcoming(days: number, request: PageRequest): Promise<Page<UpcomingReminder[]>> {
    const now = +this.clock.now();
    const end = now + days * DAY;
    const stages = this.stages();
    if (stages.length === 0) return { rows: [], nextCursor: null, prevCursor: null };
    // A stage at expiry + offset falls in [now, end) for an expiry in [now - offset, end - offset).
    const from = now - Math.max(...stages.map((s) => s.offsetMs));
    const to = end - Math.min(...stages.map((s) => s.offsetMs));
    const rows = await this.reminders.inUse(from, to, request);
    const page = toPage(rows, request, (row) => [row.expiresAt, row.id]);
    const named = await this.withNames(page.rows);
    return {
      ...page,
      rows: named.map((license) => {
        const sent = new Set(license.sent?.split(',') ?? []);
        return stages
          .filter((stage) => !sent.has(stage.stage))
          .filter((stage) => stage.kind === 'expiry' || license.status === 'grace' || !license.autoRenew)
          .map((stage) => ({ stage, at: license.expiresAt + stage.offsetMs }))
          .filter(({ at }) => at >= now && at < end)
          .map(({ stage, at }) => ({
            license,
            stage,
            at: Math.max(at, license.snoozedUntil ?? 0),
            snoozed: (license.snoozedUntil ?? 0) > at,
          }));
      }),
    };
  }

  // The latest of the active pass's stages lies at most this far before an expiry.
  private upTo(status: 'active' | 'grace', now: number): number {
    if (status === 'grace') return Number.MAX_SAFE_INTEGER;
    return now + Math.max(0, ...this.config.reminderDays) * DAY;
  }

  /** Per license of a chunk: the stage to send (the latest due), the older ones skipped, and the recipients. */
  private async plan(rows: readonly DueLicenseRow[], stages: readonly ReminderStage[], now: number) {
    if (rows.length === 0) return [];
    const orgIds = [...new Set(rows.map((row) => row.organizationId))];
    const [products, admins, billingEmails] = await Promise.all([
      this.catalog.productsByIds([...new Set(rows.map((row) => row.productId))]),
      this.people.activeAdminsByOrganization(orgIds),
      this.billing.current ? this.billing.current.billingEmails(orgIds) : Promise.resolve(new Map<string, string>()),
    ]);
    const optedOut = await this.reminders.optedOut([...admins.values()].flat().map((admin) => admin.id));
    const byName = new Map(stages.map((stage) => [stage.stage, stage]));
    const planned: PlannedReminder[] = [];
    for (const row of rows) {
      const due = row.due
        .split(',')
        .map((name) => byName.get(name))
        .filter((stage): stage is ReminderStage => stage !== undefined)
        .sort((a, b) => b.offsetMs - a.offsetMs);
      if (due.length === 0) continue;
      const recipients: string[] = [];
      const seen = new Set<string>();
      const add = (address: string | undefined) => {
        if (address && !seen.has(address.toLowerCase())) {
          seen.add(address.toLowerCase());
          recipients.push(address);
        }
      };
      for (const admin of admins.get(row.organizationId) ?? []) if (!optedOut.has(admin.id)) add(admin.email);
      add(billingEmails.get(row.organizationId));
      const productName = products.get(row.productId)?.name ?? 'SeatDesk';
      planned.push({
        licenseId: row.id,
        organizationId: row.organizationId,
        productName,
        keyHint: row.keyHint,
        seats: row.seats,
        autoRenew: row.autoRenew,
        expiresAt: row.expiresAt,
        status: row.status,
        stage: due[0],
        skipped: due.slice(1),
        subject: `Your ${productName} license ${this.headline(row, due[0], now)}`,
        recipients,
      });
    }
    return planned;
  }

  /** "expires in 7 days", "expires today", "has expired: renew within 3 days": true at the time it is sent. */
  private headline(row: Pick<DueLicenseRow, 'expiresAt'>, stage: ReminderStage, now: number): string {
    if (stage.kind === 'expiry' && now < row.expiresAt + DAY) {
      const days = Math.ceil((row.expiresAt - now) / DAY);
      return days > 0 ? `expires in ${plural(days, 'day')}` : 'expires today';
    }
    const left = Math.ceil((row.expiresAt + this.config.graceDays * DAY - now) / DAY);
    return left > 0 ? `has expired: renew within ${plural(left, 'day')}` : 'has expired: renew today';
  }

  private async sendChunk(planned: readonly PlannedReminder[], now: number, counts: ReminderRunCounts) {
    if (planned.length === 0) return;
    // Rendered before the transaction: rendering never holds the database.
    const items: MailItem[] = [];
    const owners: number[] = [];
    planned.forEach((reminder, index) => {
      for (const to of reminder.recipients) {
        items.push({ template: REMINDER_TEMPLATE, to, data: this.mailData(reminder, now) });
        owners.push(index);
      }
    });
    const mails = await this.mail.prepare(items);
    const ledger: LedgerRow[] = planned.flatMap((reminder) => [
      {
        licenseId: reminder.licenseId,
        termExpiresAt: reminder.expiresAt,
        stage: reminder.stage.stage,
        outcome: 'sent' as const,
        recipients: reminder.recipients.length,
      },
      ...reminder.skipped.map((stage) => ({
        licenseId: reminder.licenseId,
        termExpiresAt: reminder.expiresAt,
        stage: stage.stage,
        outcome: 'skipped' as const,
        recipients: 0,
      })),
    ]);
    await this.em.transactional(async () => {
      const written = await this.reminders.record(ledger, now);
      const sent = planned.map((reminder) => written.has(`${reminder.licenseId} ${reminder.stage.stage}`));
      const queued = mails.filter((_, i) => sent[owners[i]]);
      await this.mail.enqueuePrepared(queued);
      const sentReminders = planned.filter((_, i) => sent[i]);
      await this.reminders.addEvents(
        sentReminders.map((reminder) => ({
          licenseId: reminder.licenseId,
          kind: 'reminder_sent',
          details: JSON.stringify({ stage: reminder.stage.label, recipients: reminder.recipients.length }),
        })),
        now,
        'SeatDesk',
      );
      const byOrganization = new Map<string, { reminders: number; mails: number }>();
      for (const reminder of sentReminders) {
        const org = byOrganization.get(reminder.organizationId) ?? { reminders: 0, mails: 0 };
        org.reminders++;
        org.mails += reminder.recipients.length;
        byOrganization.set(reminder.organizationId, org);
      }
      await this.audit.recordMany(
        [...byOrganization].map(([organizationId, org]) => ({
          action: 'license.reminders_sent',
          target: { type: 'organization', id: organizationId, label: 'Renewal reminders' },
          organizationId,
          details: org,
        })),
      );
      counts.reminders += sentReminders.length;
      counts.skipped += ledger.filter(
        (row) => row.outcome === 'skipped' && written.has(`${row.licenseId} ${row.stage}`),
      ).length;
      counts.mails += queued.length;
    });
  }

  private mailData(reminder: PlannedReminder, now: number) {
    return {
      subjectLine: reminder.subject,
      licenseProduct: reminder.productName,
      maskedKey: maskProductKey(reminder.keyHint),
      expiresAt: reminder.expiresAt,
      expired: reminder.expiresAt <= now,
      graceEndsAt: reminder.expiresAt + this.config.graceDays * DAY,
      seats: reminder.seats,
      autoRenew: reminder.autoRenew,
      licensePath: `/licenses/${reminder.licenseId}`,
    };
  }

  private actorLabel(): string {
    return currentRequestInfo().actor?.label ?? 'SeatDesk';
  }

  private async withNames(rows: readonly RenewalRow[]): Promise<RenewalItem[]> {
    const [products, names] = await Promise.all([
      this.catalog.productsByIds([...new Set(rows.map((row) => row.productId))]),
      this.organizations.namesOf([...new Set(rows.map((row) => row.organizationId))]),
    ]);
    return rows.map((row) => ({
      ...row,
      productName: products.get(row.productId)?.name ?? 'A product',
      organizationName: names.get(row.organizationId) ?? 'An organization',
    }));
  }
}

import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import { Conflict, FORM_LEVEL, InputRefused, NotFound } from '../../common/errors/app-error';
import { toPage, type Page, type PageRequest } from '../../common/pagination';
import { currentRequestInfo } from '../../common/request-info';
import { SecretBox } from '../../common/security/secret-box';
import type { AppConfig } from '../../config/app.config';
import { AuditService } from '../../platform/audit/audit.service';
import { AppEvents } from '../../platform/events/app-events.service';
import { CatalogService, type PlanRow, type ProductRow } from '../catalog/catalog.service';
import {
  LicensesRepository,
  type LicenseEventRow,
  type LicenseListFilter,
  type LicenseRow,
  type LicenseStatus,
} from './licenses.repository';
import { generateProductKey, lastGroupOf, readProductKey } from './product-key';
import { RenewalBilling } from './renewal-billing';

const DAY = 86_400_000;

/** A license with the names lists show beside it. */
export interface LicenseListItem extends LicenseRow {
  product: Pick<ProductRow, 'id' | 'sku' | 'name' | 'platforms' | 'agentVersion'>;
  plan: Pick<PlanRow, 'id' | 'edition' | 'termMonths'>;
}

export interface NewLicense {
  organizationId: string;
  productId: string;
  /** The product's first plan when absent. */
  planId?: string;
  seats?: number;
  /** Now when absent (or the day before an expiry in the past). */
  startsAt?: number;
  expiresAt: number;
  autoRenew?: boolean;
}

// Which statuses each operator action moves a license out of.
const SUSPENDABLE: readonly LicenseStatus[] = ['active', 'grace', 'expired'];
const CANCELLABLE: readonly LicenseStatus[] = ['active', 'grace', 'expired', 'suspended'];

const target = (license: Pick<LicenseRow, 'id' | 'keyHint'>, product: Pick<ProductRow, 'name'>) => ({
  type: 'license',
  id: license.id,
  label: `${product.name} …${license.keyHint}`,
});

const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The digest a key is looked up by: SHA-256 (a key has about 119 random bits: nothing to guess). */
export const keyDigest = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Licenses: an organization's right to run a product's agent on a number of
 * devices (seats) until an expiry. Operators create, extend, suspend,
 * reactivate and cancel them; org admins reset a leaked key and turn
 * auto-renew on or off; everyone in the organization sees them. The key is
 * kept sealed (revealing it is audited) and found by its digest. Every
 * change is audited and written to the license's history in its transaction.
 */
@Injectable()
export class LicensesService {
  private readonly box: SecretBox;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly licenses: LicensesRepository,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
    private readonly clock: Clock,
    private readonly renewalBilling: RenewalBilling,
  ) {
    this.box = new SecretBox(config.appSecret, 'product-keys');
  }

  /** A page of licenses (an organization's, or every one for operators), soonest expiry first. */
  async list(filter: LicenseListFilter, request: PageRequest): Promise<Page<LicenseListItem>> {
    const page = toPage(await this.licenses.list(filter, request), request, (row) => [row.expiresAt, row.id]);
    return { ...page, rows: await this.withNames(page.rows) };
  }

  /** Every license of an organization (a few: the dashboard and device forms). */
  async allOf(organizationId: string): Promise<LicenseListItem[]> {
    const rows = await this.licenses.list({ organizationId }, { after: null, before: null, limit: 500 });
    return this.withNames(rows.slice(0, 500));
  }

  /** Seats sold and used over every license in use, install-wide (operators' dashboard). */
  seatTotals(): Promise<{ sold: number; used: number }> {
    return this.licenses.seatTotals();
  }

  /** How many active licenses expire within `days` days from now (operators' dashboard). */
  countExpiringWithin(days: number): Promise<number> {
    const now = +this.clock.now();
    return this.licenses.countExpiring(now, now + days * 86_400_000);
  }

  /** One license of the organization; another organization's is not found. Operators pass null. */
  async get(organizationId: string | null, id: string): Promise<LicenseListItem> {
    const row = await this.licenses.byId(id);
    if (!row || (organizationId !== null && row.organizationId !== organizationId)) {
      throw new NotFound('License not found.');
    }
    return (await this.withNames([row]))[0];
  }

  history(id: string): Promise<LicenseEventRow[]> {
    return this.licenses.events(id);
  }

  /** Creates a license and its key; returns both (the key is shown to the operator once, then masked). */
  async create(input: NewLicense): Promise<{ license: LicenseListItem; key: string }> {
    // The form's choice: an id that names no product (removed meanwhile, or typed by hand) is refused beside it.
    const product = (await this.catalog.productsByIds([input.productId])).get(input.productId);
    if (!product) throw new InputRefused({ productId: 'Choose a product.' });
    const plans = await this.catalog.plans(product.id);
    const plan = input.planId ? plans.find((p) => p.id === input.planId) : plans[0];
    if (!plan) throw new InputRefused({ planId: `Choose one of ${product.name}'s plans.` });
    const now = +this.clock.now();
    // An expiry in the past (an imported license that lapsed already) starts the day before it.
    const startsAt = input.startsAt ?? Math.min(now, input.expiresAt - DAY);
    const seats = input.seats ?? plan.seats;
    if (!Number.isInteger(seats) || seats < 1 || seats > 100_000) {
      throw new InputRefused({ seats: 'Enter the number of seats, 1 to 100000.' });
    }
    if (!(input.expiresAt > startsAt)) throw new InputRefused({ expiresAt: 'The expiry must be after the start.' });
    const key = generateProductKey();
    const row = {
      id: randomUUID(),
      organizationId: input.organizationId,
      productId: product.id,
      planId: plan.id,
      keyDigest: keyDigest(key),
      keySealed: this.box.seal(key),
      keyHint: lastGroupOf(key),
      seats,
      startsAt,
      expiresAt: input.expiresAt,
      autoRenew: input.autoRenew ?? false,
      status: this.statusAt(input.expiresAt, now),
      createdAt: now,
    };
    await this.em.transactional(async () => {
      await this.licenses.insert(row);
      await this.record(row, product, 'created', null, row.status, {
        product: product.sku,
        plan: `${plan.edition}, ${plan.termMonths} months`,
        seats,
        starts: dateOf(startsAt),
        expires: dateOf(input.expiresAt),
        autoRenew: row.autoRenew,
      });
    });
    this.events.emit('license.created', { licenseId: row.id, organizationId: row.organizationId });
    return { license: await this.get(null, row.id), key };
  }

  /** A later expiry (operators): an expired or lapsing license becomes active again. */
  async extend(id: string, expiresAt: number): Promise<LicenseListItem> {
    return this.em.transactional(async () => {
      const license = await this.get(null, id);
      if (license.status === 'suspended' || license.status === 'cancelled') {
        throw refused(
          `This license is ${license.status}: ${license.status === 'suspended' ? 'reactivate it' : 'create a new one'} first.`,
        );
      }
      if (!(expiresAt > license.expiresAt)) {
        throw new InputRefused({ expiresAt: `Choose a date after the current expiry, ${dateOf(license.expiresAt)}.` });
      }
      if ((await this.licenses.extend(id, expiresAt, +this.clock.now())) === 0)
        throw refused('The license changed meanwhile: try again.');
      // Not `from`/`to`: the audit entry carries the status change under those names.
      await this.record(license, license.product, 'extended', license.status, 'active', {
        previousExpiry: dateOf(license.expiresAt),
        expires: dateOf(expiresAt),
      });
      if (license.status !== 'active') this.statusChanged(license, 'active');
      return this.get(null, id);
    });
  }

  /** Suspends a license (operators): its devices stop being protected until it is reactivated. */
  async suspend(id: string, reason: string): Promise<LicenseListItem> {
    return this.move(id, SUSPENDABLE, 'suspended', 'suspended', { reason });
  }

  /** Lifts a suspension: active again, or expired when its term ran out meanwhile. */
  async reactivate(id: string): Promise<LicenseListItem> {
    const license = await this.get(null, id);
    return this.move(id, ['suspended'], this.statusAt(license.expiresAt, +this.clock.now()), 'reactivated');
  }

  /** Ends a license for good (operators). */
  async cancel(id: string, reason: string): Promise<LicenseListItem> {
    return this.move(id, CANCELLABLE, 'cancelled', 'cancelled', { reason });
  }

  /** Turns auto-renew on or off (org admins). */
  async setAutoRenew(organizationId: string, id: string, on: boolean): Promise<LicenseListItem> {
    return this.em.transactional(async () => {
      const license = await this.get(organizationId, id);
      if (license.status === 'cancelled') throw refused('This license is cancelled: it cannot renew.');
      if ((await this.licenses.setAutoRenew(id, on, +this.clock.now())) > 0) {
        await this.record(license, license.product, 'auto_renew_changed', null, null, { autoRenew: on });
      }
      return { ...license, autoRenew: on };
    });
  }

  /**
   * A new key for a leaked one (org admins): the old key stops activating new
   * devices at once; devices already activated keep their seats.
   */
  async resetKey(organizationId: string, id: string): Promise<LicenseListItem> {
    return this.em.transactional(async () => {
      const license = await this.get(organizationId, id);
      if (license.status === 'cancelled') throw refused('This license is cancelled: its key cannot be replaced.');
      const key = generateProductKey();
      await this.licenses.replaceKey(
        id,
        { digest: keyDigest(key), sealed: this.box.seal(key), hint: lastGroupOf(key) },
        +this.clock.now(),
      );
      await this.record(license, license.product, 'key_reset', null, null, {
        previousEnding: license.keyHint,
        newEnding: lastGroupOf(key),
      });
      return this.get(organizationId, id);
    });
  }

  /** The full key, audited (the caller has had the password confirmed recently). */
  async revealKey(organizationId: string | null, id: string): Promise<string> {
    return this.em.transactional(async () => {
      const license = await this.get(organizationId, id);
      const sealed = await this.licenses.sealedKey(id);
      const key = sealed ? this.box.open(sealed) : null;
      if (!key) throw refused('The key cannot be read with this install’s secret. Ask your operator.');
      await this.audit.record({
        action: 'license.key_revealed',
        target: target(license, license.product),
        organizationId: license.organizationId,
      });
      return key;
    });
  }

  /**
   * The license a typed key opens, or why not: `invalid` (not a key: the
   * problem is said), `unknown`, or the license whatever its status.
   */
  async byKey(input: unknown): Promise<{ problem: string } | { license: LicenseListItem } | { unknown: true }> {
    const reading = readProductKey(input);
    if ('problem' in reading) return reading;
    const license = await this.licenses.byKeyDigest(keyDigest(reading.key));
    return license ? { license: (await this.withNames([license]))[0] } : { unknown: true };
  }

  /**
   * Takes a seat for a device, in the caller's transaction; false when the
   * license has none free or cannot be used (expired, suspended, cancelled).
   */
  async takeSeat(licenseId: string): Promise<boolean> {
    return (await this.licenses.takeSeat(licenseId, +this.clock.now())) === 1;
  }

  /** Frees a device's seat, in the caller's transaction. */
  async releaseSeat(licenseId: string): Promise<void> {
    await this.licenses.releaseSeat(licenseId, +this.clock.now());
  }

  /**
   * Applies a placed order to the license, in the caller's transaction (the
   * billing module's, with the order's invoice and payment): new plan, seats
   * or expiry, active again when it had lapsed; audited (`license.renewed`,
   * `license.upgraded`, `license.seats_added`) and in the history. False when
   * the license changed since the quote (or was suspended or cancelled).
   */
  async applyOrder(
    license: LicenseListItem,
    kind: 'renew' | 'upgrade' | 'add_seats',
    change: {
      from: { planId: string; seats: number; expiresAt: number };
      to: { planId: string; seats: number; expiresAt: number };
    },
    reference: string,
  ): Promise<boolean> {
    if ((await this.licenses.applyTerms(license.id, change.from, change.to, +this.clock.now())) === 0) return false;
    const details: Record<string, string | number> = { order: reference };
    if (change.to.expiresAt !== change.from.expiresAt) {
      details.previousExpiry = dateOf(change.from.expiresAt);
      details.expires = dateOf(change.to.expiresAt);
    }
    if (change.to.seats !== change.from.seats) {
      details.previousSeats = change.from.seats;
      details.seats = change.to.seats;
    }
    if (change.to.planId !== change.from.planId) {
      const plans = await this.catalog.plansByIds([change.from.planId, change.to.planId]);
      details.previousPlan = plans.get(change.from.planId)?.edition ?? change.from.planId;
      details.plan = plans.get(change.to.planId)?.edition ?? change.to.planId;
    }
    const kindName = kind === 'renew' ? 'renewed' : kind === 'upgrade' ? 'upgraded' : 'seats_added';
    const lapsed = license.status !== 'active';
    await this.record(
      license,
      license.product,
      kindName,
      lapsed ? license.status : null,
      lapsed ? 'active' : null,
      details,
    );
    if (lapsed) this.statusChanged(license, 'active');
    return true;
  }

  /**
   * The `licenses.renew-due` job. First the licenses whose term ran out with
   * auto-renew on are renewed through billing (one transaction each: the
   * order, its invoice and payment, the new expiry); a failed payment sends
   * the license into its grace period like any other. Then what ran out
   * lapses: active → grace at expiry, grace → expired GRACE_DAYS later; each
   * transition audited and in the history. Run twice, late or after a crash,
   * it finds only what is still due.
   */
  async lapseDue(): Promise<{ renewed: number; renewalFailed: number; grace: number; expired: number }> {
    const now = +this.clock.now();
    const counts = { renewed: 0, renewalFailed: 0, grace: 0, expired: 0 };
    const billing = this.renewalBilling.current;
    if (billing) {
      let after: [number, string] | undefined;
      for (;;) {
        const due = await this.licenses.dueFor('active', now, 100, { autoRenew: true, after });
        if (due.length === 0) break;
        for (const item of await this.withNames(due)) {
          // A renewal that throws (the license changed under it) is left to lapse below, like any other.
          const outcome = await billing.renewAtExpiry(item).catch(() => 'error' as const);
          if (outcome === 'renewed') counts.renewed++;
          else if (outcome === 'error') counts.renewalFailed++;
          else {
            counts.renewalFailed++;
            if (await this.lapse(item, 'active', 'grace', now)) counts.grace++;
          }
        }
        const last = due[due.length - 1];
        after = [last.expiresAt, last.id];
      }
    }
    for (const [from, to, cutoff] of [
      ['active', 'grace', now],
      ['grace', 'expired', now - this.config.graceDays * DAY],
    ] as const) {
      let after: [number, string] | undefined;
      for (;;) {
        const due = await this.licenses.dueFor(from, cutoff, 500, { after });
        if (due.length === 0) break;
        for (const row of due) if (await this.lapse(row, from, to, now)) counts[to]++;
        const last = due[due.length - 1];
        after = [last.expiresAt, last.id];
      }
    }
    return counts;
  }

  // One lapse (active → grace, grace → expired) in its own transaction; false when the license moved meanwhile.
  private async lapse(row: LicenseRow, from: LicenseStatus, to: 'grace' | 'expired', now: number): Promise<boolean> {
    return this.em.transactional(async () => {
      if ((await this.licenses.transition(row.id, [from], to, now)) === 0) return false;
      const [item] = await this.withNames([row]);
      await this.record(row, item.product, to === 'expired' ? 'expired' : 'grace_started', from, to, {
        expired: dateOf(row.expiresAt),
      });
      this.statusChanged({ ...row, status: from }, to);
      return true;
    });
  }

  /** What the status is for an expiry, now: active before it, grace within GRACE_DAYS after, then expired. */
  private statusAt(expiresAt: number, now: number): LicenseStatus {
    if (expiresAt > now) return 'active';
    return now - expiresAt < this.config.graceDays * DAY ? 'grace' : 'expired';
  }

  private async move(
    id: string,
    from: readonly LicenseStatus[],
    to: LicenseStatus,
    kind: string,
    details: Record<string, string> = {},
  ): Promise<LicenseListItem> {
    return this.em.transactional(async () => {
      const license = await this.get(null, id);
      if (license.status === to) return license;
      if ((await this.licenses.transition(id, from, to, +this.clock.now())) === 0) {
        throw refused(`A ${license.status} license cannot be ${kind}.`);
      }
      await this.record(license, license.product, kind, license.status, to, details);
      this.statusChanged(license, to);
      return { ...license, status: to };
    });
  }

  private statusChanged(license: Pick<LicenseRow, 'id' | 'organizationId' | 'status'>, to: LicenseStatus): void {
    this.events.emit('license.status_changed', {
      licenseId: license.id,
      organizationId: license.organizationId,
      from: license.status,
      to,
    });
  }

  // The audit entry (`license.<kind>`) and the history line of one change.
  private async record(
    license: Pick<LicenseRow, 'id' | 'keyHint' | 'organizationId'>,
    product: Pick<ProductRow, 'name'>,
    kind: string,
    fromStatus: LicenseStatus | null,
    toStatus: LicenseStatus | null,
    details: Record<string, string | number | boolean>,
  ): Promise<void> {
    const actor = currentRequestInfo().actor;
    await this.licenses.addEvent(license.id, {
      at: +this.clock.now(),
      kind,
      fromStatus,
      toStatus,
      actorLabel: actor?.label ?? 'SeatDesk',
      details: Object.keys(details).length > 0 ? JSON.stringify(details) : null,
    });
    await this.audit.record({
      action: `license.${kind}`,
      target: target(license, product),
      organizationId: license.organizationId,
      details: { ...details, ...(fromStatus && toStatus ? { from: fromStatus, to: toStatus } : {}) },
    });
  }

  private async withNames(rows: LicenseRow[]): Promise<LicenseListItem[]> {
    const [products, plans] = await Promise.all([
      this.catalog.productsByIds(rows.map((row) => row.productId)),
      this.catalog.plansByIds(rows.map((row) => row.planId)),
    ]);
    return rows.map((row) => {
      const product = products.get(row.productId)!;
      const plan = plans.get(row.planId)!;
      return {
        ...row,
        product: {
          id: product.id,
          sku: product.sku,
          name: product.name,
          platforms: product.platforms,
          agentVersion: product.agentVersion,
        },
        plan: { id: plan.id, edition: plan.edition, termMonths: plan.termMonths },
      };
    });
  }
}

import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import { Conflict, FORM_LEVEL, Gone, InputRefused, NotFound, RateLimited } from '../../common/errors/app-error';
import type { ApiClient } from '../../common/http/principal';
import { SlidingQuota } from '../../common/http/rate-limit/daily-quota';
import { toPage, type PageRequest } from '../../common/pagination';
import type { AppConfig } from '../../config/app.config';
import { AuditService } from '../../platform/audit/audit.service';
import { CatalogService } from '../catalog/catalog.service';
import { PLATFORM_LABELS, type Platform } from '../catalog/platforms';
import type { LicenseDevices } from '../licenses/license-devices';
import { LicensesService, type LicenseListItem } from '../licenses/licenses.service';
import { readProductKey } from '../licenses/product-key';
import { DevicesRepository, nameKey, type DeviceListFilter, type DeviceRow } from './devices.repository';
import { PROTECTED_WITHIN_MS, protectionOf, UNPROTECTED_AFTER_MS, type Protection } from './protection';

const DAY = 86_400_000;
const TOKEN_PREFIX = 'sdd_';
const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

/** Whose devices a page shows: an organization's (admins), or one person's in it (members). */
export interface DeviceScope {
  organizationId: string;
  /** Set for members: only their own devices exist for them. */
  ownerId?: string;
}

export interface Activation {
  productKey: string;
  deviceName: string;
  platform: Platform;
  fingerprint: string;
}

export interface ActivationResult {
  created: boolean;
  deviceId: string;
  deviceToken: string;
}

const deviceTarget = (device: Pick<DeviceRow, 'id' | 'name'>) => ({
  type: 'device',
  id: device.id,
  label: device.name,
});
const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });

/**
 * Devices under protection. Each holds one seat of a license of its
 * organization: the seat is taken by one conditional statement in the same
 * transaction as the device (see LicensesService.takeSeat), so a license never
 * has more devices than seats. A device's agent activates with the product
 * key and a fingerprint (the same fingerprint again gets the same device and
 * a new token), reports heartbeats with its token, and deactivates itself;
 * people add devices by hand (a placeholder the agent claims by name),
 * rename, move and remove them. Protection is stored and kept current on
 * every change, by the license and catalog events, and by the stale job.
 */
@Injectable()
export class DevicesService implements LicenseDevices {
  private readonly activationQuota: SlidingQuota;
  private readonly addressQuota: SlidingQuota;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly em: EntityManager,
    private readonly devices: DevicesRepository,
    private readonly licenses: LicensesService,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.activationQuota = new SlidingQuota(config.activationRateLimit, 60);
    // Whatever the keys: one address guessing at many keys is held back too.
    this.addressQuota = new SlidingQuota(config.activationRateLimit * 10, 60);
  }

  // ---- the agent API -------------------------------------------------------

  /**
   * Activates a device with a product key: 201 with a new device, 200 when
   * the fingerprint is already on the license (a reinstall: a new token, the
   * old one stops working), 409 `no_seat_available`, 404 for an unknown key,
   * 410 for a license that cannot be used. Rate-limited per key and address.
   */
  async activate(input: Activation, address: string): Promise<ActivationResult> {
    // Checked before anything is looked up: a typo is the caller's to fix, and the limits guard the lookup.
    const reading = readProductKey(input.productKey);
    if ('problem' in reading) throw new InputRefused({ productKey: reading.problem });
    const wait =
      this.addressQuota.take(address, this.clock.now()) ??
      this.activationQuota.take(`${address}|${reading.key}`, this.clock.now());
    if (wait !== null) {
      throw new RateLimited(wait, 'Too many activations with this product key from this address: wait a minute.');
    }
    const found = await this.licenses.byKey(reading.key);
    if (!('license' in found)) throw new NotFound('No license has this product key.').withCode('unknown_product_key');
    const license = found.license;
    if (license.status === 'expired' || license.status === 'cancelled') {
      throw new Gone(
        `This product key's license has ${license.status === 'expired' ? 'expired' : 'been cancelled'}.`,
      ).withCode('license_expired');
    }
    if (license.status === 'suspended') {
      throw new Gone("This product key's license is suspended.").withCode('license_suspended');
    }
    if (!license.product.platforms.includes(input.platform)) {
      throw new InputRefused({
        platform: `${license.product.name} runs on ${license.product.platforms.map((p) => PLATFORM_LABELS[p]).join(', ')} only.`,
      });
    }
    const token = newToken();
    const now = +this.clock.now();
    return this.em.transactional(async () => {
      const same = await this.devices.byFingerprint(license.id, input.fingerprint);
      if (same) {
        await this.devices.replaceToken(same.id, tokenDigest(token), now);
        await this.audit.record({
          action: 'device.reactivated',
          actor: { type: 'device', id: same.id, label: same.name, organizationId: same.organizationId },
          target: deviceTarget(same),
          organizationId: same.organizationId,
          details: { platform: same.platform },
        });
        return { created: false, deviceId: same.id, deviceToken: token };
      }
      const placeholder = await this.devices.placeholderNamed(license.id, input.deviceName);
      if (
        placeholder &&
        (await this.devices.claim(
          placeholder.id,
          {
            fingerprint: input.fingerprint,
            tokenDigest: tokenDigest(token),
            platform: input.platform,
            name: input.deviceName,
          },
          now,
        )) === 1
      ) {
        await this.recordActivation(
          { ...placeholder, name: input.deviceName, platform: input.platform },
          license,
          true,
        );
        await this.refresh(placeholder, license);
        return { created: true, deviceId: placeholder.id, deviceToken: token };
      }
      if (!(await this.licenses.takeSeat(license.id))) {
        throw new Conflict(`Every seat of this license is in use (${license.seats} of ${license.seats}).`).withCode(
          'no_seat_available',
        );
      }
      const state = protectionOf(
        {
          licenseStatus: license.status,
          lastSeenAt: null,
          agentVersion: null,
          currentAgentVersion: license.product.agentVersion,
        },
        now,
      );
      const device = {
        id: randomUUID(),
        organizationId: license.organizationId,
        licenseId: license.id,
        productId: license.productId,
        ownerId: null,
        name: input.deviceName,
        platform: input.platform,
        fingerprint: input.fingerprint,
        tokenDigest: tokenDigest(token),
        agentVersion: null,
        signaturesVersion: null,
        lastSeenAt: null,
        activatedAt: now,
        protection: state.protection,
        protectionReason: state.reason,
        createdAt: now,
      };
      await this.devices.insert(device, now);
      await this.recordActivation(device, license, false);
      return { created: true, deviceId: device.id, deviceToken: token };
    });
  }

  /** Who a device token belongs to (the API's bearer resolver), or null. */
  async resolveToken(token: string): Promise<ApiClient | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const device = await this.devices.byTokenDigest(tokenDigest(token));
    return device ? { type: 'device', id: device.id, organizationId: device.organizationId, label: device.name } : null;
  }

  /** A heartbeat: last seen now, the agent's versions, protection recomputed. */
  async heartbeat(deviceId: string, report: { agentVersion: string; signaturesVersion?: string }): Promise<void> {
    const now = +this.clock.now();
    await this.em.transactional(async () => {
      const device = await this.devices.byId(deviceId);
      if (!device) throw new NotFound('This device is not activated any more.');
      await this.devices.recordHeartbeat(
        deviceId,
        { agentVersion: report.agentVersion, signaturesVersion: report.signaturesVersion ?? null },
        now,
      );
      if (device.agentVersion !== null && device.agentVersion !== report.agentVersion) {
        await this.audit.record({
          action: 'device.agent_updated',
          target: deviceTarget(device),
          organizationId: device.organizationId,
          details: { from: device.agentVersion, to: report.agentVersion },
        });
      }
      const license = await this.licenses.get(null, device.licenseId);
      await this.refresh({ ...device, agentVersion: report.agentVersion, lastSeenAt: now }, license);
    });
  }

  /** The agent deactivates its own device: removed, the seat free again. */
  async deactivate(client: ApiClient, deviceId: string): Promise<void> {
    // Another device's id is as unknown as a missing one.
    if (client.id !== deviceId) throw new NotFound('No such device for this token.');
    await this.em.transactional(async () => {
      const device = await this.devices.byId(deviceId);
      if (!device) throw new NotFound('No such device for this token.');
      await this.removeOne(device, 'agent');
    });
  }

  // ---- the pages -----------------------------------------------------------

  async list(scope: DeviceScope, filter: Omit<DeviceListFilter, 'organizationId' | 'ownerId'>, request: PageRequest) {
    const rows = await this.devices.list({ ...filter, ...scope }, request);
    return toPage(rows, request, (row) => [nameKey(row.name), row.id]);
  }

  /** One device in the scope; another organization's (or, for a member, another person's) is not found. */
  async get(scope: DeviceScope, id: string): Promise<DeviceRow> {
    const device = await this.devices.byId(id);
    if (
      !device ||
      device.organizationId !== scope.organizationId ||
      (scope.ownerId && device.ownerId !== scope.ownerId)
    ) {
      throw new NotFound('Device not found.');
    }
    return device;
  }

  /** Adds a device by hand: it takes a seat now; its agent claims it by activating with the same name. */
  async addByHand(
    scope: DeviceScope,
    input: { name: string; platform: Platform; licenseId: string; ownerId: string | null },
  ): Promise<DeviceRow> {
    return this.em.transactional(async () => {
      const license = await this.licenseIn(scope.organizationId, input.licenseId);
      if (!license.product.platforms.includes(input.platform)) {
        throw new InputRefused({
          platform: `${license.product.name} runs on ${license.product.platforms.map((p) => PLATFORM_LABELS[p]).join(', ')} only.`,
        });
      }
      if (!(await this.licenses.takeSeat(license.id))) throw new InputRefused({ licenseId: this.noSeat(license) });
      const now = +this.clock.now();
      const state = protectionOf(
        {
          licenseStatus: license.status,
          lastSeenAt: null,
          agentVersion: null,
          currentAgentVersion: license.product.agentVersion,
        },
        now,
      );
      const device = {
        id: randomUUID(),
        organizationId: scope.organizationId,
        licenseId: license.id,
        productId: license.product.id,
        ownerId: scope.ownerId ?? input.ownerId,
        name: input.name,
        platform: input.platform,
        fingerprint: null,
        tokenDigest: null,
        agentVersion: null,
        signaturesVersion: null,
        lastSeenAt: null,
        activatedAt: null,
        protection: state.protection,
        protectionReason: state.reason,
        createdAt: now,
      };
      await this.devices.insert(device, now);
      await this.audit.record({
        action: 'device.added',
        target: deviceTarget(device),
        organizationId: scope.organizationId,
        details: { platform: device.platform, license: `${license.product.name} …${license.keyHint}` },
      });
      return device;
    });
  }

  /** Renames a device, or (admins) gives it to another person of the organization. */
  async update(scope: DeviceScope, id: string, changes: { name: string; ownerId: string | null }): Promise<DeviceRow> {
    return this.em.transactional(async () => {
      const device = await this.get(scope, id);
      const ownerId = scope.ownerId ?? changes.ownerId;
      await this.devices.update(id, { name: changes.name, ownerId }, +this.clock.now());
      const details: Record<string, string> = {};
      if (device.name !== changes.name) details.name = `${device.name} → ${changes.name}`;
      if (device.ownerId !== ownerId) details.owner = 'changed';
      if (Object.keys(details).length > 0) {
        await this.audit.record({
          action: 'device.updated',
          target: deviceTarget({ ...device, name: changes.name }),
          organizationId: device.organizationId,
          details,
        });
      }
      return { ...device, name: changes.name, ownerId };
    });
  }

  /** Moves a device to a seat of another license of the organization (its old seat is freed). */
  async move(scope: DeviceScope, id: string, licenseId: string): Promise<DeviceRow> {
    return this.em.transactional(async () => {
      const device = await this.get(scope, id);
      if (device.licenseId === licenseId) return device;
      const [from, to] = await Promise.all([
        this.licenses.get(null, device.licenseId),
        this.licenseIn(scope.organizationId, licenseId),
      ]);
      if (!to.product.platforms.includes(device.platform)) {
        throw new InputRefused({
          licenseId: `${to.product.name} does not run on ${PLATFORM_LABELS[device.platform]}.`,
        });
      }
      if (await this.devices.fingerprintOn(id, to.id)) {
        throw new InputRefused({
          licenseId: `This device's agent is activated on ${to.product.name} …${to.keyHint} already.`,
        });
      }
      if (!(await this.licenses.takeSeat(to.id))) throw new InputRefused({ licenseId: this.noSeat(to) });
      await this.licenses.releaseSeat(from.id);
      await this.devices.move(id, to.id, to.product.id, +this.clock.now());
      await this.audit.record({
        action: 'device.moved',
        target: deviceTarget(device),
        organizationId: device.organizationId,
        details: { from: `${from.product.name} …${from.keyHint}`, to: `${to.product.name} …${to.keyHint}` },
      });
      await this.refresh(device, to);
      return { ...device, licenseId: to.id, productId: to.product.id };
    });
  }

  /** Removes a device: its seat is free again; its agent's token stops working. */
  async remove(scope: DeviceScope, id: string): Promise<DeviceRow> {
    return this.em.transactional(async () => {
      const device = await this.get(scope, id);
      await this.removeOne(device, 'person');
      return device;
    });
  }

  /** The devices a reclaim would remove: not seen for `days` days (or never, and added that long ago). */
  async reclaimPreview(organizationId: string, days: number): Promise<DeviceRow[]> {
    return this.devices.unseenSince(organizationId, +this.clock.now() - days * DAY, 500);
  }

  /**
   * Removes the previewed devices that still qualify (a device seen since
   * the preview stays): returns how many were removed.
   */
  async reclaim(organizationId: string, days: number, ids: readonly string[]): Promise<number> {
    const cutoff = +this.clock.now() - days * DAY;
    return this.em.transactional(async () => {
      let removed = 0;
      for (const device of await this.devices.idsIn(ids.slice(0, 500), organizationId)) {
        if ((device.lastSeenAt ?? device.createdAt) > cutoff) continue;
        await this.removeOne(device, 'reclaim');
        removed++;
      }
      return removed;
    });
  }

  /** Per license of the organization: seats bought, assigned, seen in 7 days, and when they run out. */
  async seatReport(organizationId: string) {
    const now = +this.clock.now();
    const licenses = (await this.licenses.allOf(organizationId)).filter((l) => l.status !== 'cancelled');
    const activity = await this.devices.seatActivity(
      licenses.map((l) => l.id),
      now - 7 * DAY,
      now - 30 * DAY,
    );
    return licenses.map((license) => {
      const { seen, activated } = activity.get(license.id) ?? { seen: 0, activated: 0 };
      const free = license.seats - license.seatsUsed;
      // Growth: devices activated in the last 30 days, per day.
      const perDay = activated / 30;
      const runsOutInDays = free === 0 ? 0 : perDay > 0 ? Math.ceil(free / perDay) : null;
      return { license, seats: license.seats, assigned: license.seatsUsed, seenLast7Days: seen, free, runsOutInDays };
    });
  }

  /** The license's page lists its devices (LicenseDevices). */
  devicesOn(licenseId: string, limit: number): Promise<DeviceRow[]> {
    return this.devices.onLicense(licenseId, limit);
  }

  /** Devices per protection: the organization's (from the trigger-kept summary) or one person's. */
  summary(scope: DeviceScope): Promise<Record<Protection, number>> {
    return scope.ownerId ? this.devices.summaryOfOwner(scope.ownerId) : this.devices.summaryOf(scope.organizationId);
  }

  summaryOfInstall(): Promise<Record<Protection, number>> {
    return this.devices.summaryOfInstall();
  }

  attention(scope: DeviceScope, limit = 5): Promise<DeviceRow[]> {
    return this.devices.attention(scope, limit);
  }

  // ---- keeping protection current -------------------------------------------

  /** Recomputes the protection of a license's devices (its status changed). */
  async refreshLicense(licenseId: string): Promise<number> {
    const license = await this.licenses.get(null, licenseId);
    return this.refreshBatches('license_id', licenseId, async () => license);
  }

  /** Recomputes the protection of a product's devices (its current agent version changed). */
  async refreshProduct(productId: string): Promise<number> {
    const cache = new Map<string, Promise<LicenseListItem>>();
    return this.refreshBatches('product_id', productId, (device) => {
      if (!cache.has(device.licenseId)) cache.set(device.licenseId, this.licenses.get(null, device.licenseId));
      return cache.get(device.licenseId)!;
    });
  }

  /**
   * The `devices.stale` job: devices whose silence crossed a line since
   * they were last looked at (protected past 24 hours, at risk past 30 days)
   * get their protection recomputed; each organization's changes are audited
   * once per run (`device.marked_stale`, with the counts).
   */
  async markStale(): Promise<{ atRisk: number; unprotected: number }> {
    const now = +this.clock.now();
    const counts = { atRisk: 0, unprotected: 0 };
    const byOrganization = new Map<string, { atRisk: number; unprotected: number }>();
    const licenses = new Map<string, Promise<LicenseListItem>>();
    for (;;) {
      const batch = await this.devices.staleCandidates(now - PROTECTED_WITHIN_MS, now - UNPROTECTED_AFTER_MS, 500);
      if (batch.length === 0) break;
      let changed = 0;
      await this.em.transactional(async () => {
        for (const device of batch) {
          if (!licenses.has(device.licenseId))
            licenses.set(device.licenseId, this.licenses.get(null, device.licenseId));
          const to = await this.refresh(device, await licenses.get(device.licenseId)!);
          if (!to) continue;
          changed++;
          const org = byOrganization.get(device.organizationId) ?? { atRisk: 0, unprotected: 0 };
          if (to === 'at_risk') org.atRisk++;
          else if (to === 'unprotected') org.unprotected++;
          byOrganization.set(device.organizationId, org);
        }
      });
      if (changed === 0) break;
    }
    await this.em.transactional(async () => {
      for (const [organizationId, org] of byOrganization) {
        counts.atRisk += org.atRisk;
        counts.unprotected += org.unprotected;
        await this.audit.record({
          action: 'device.marked_stale',
          target: { type: 'organization', id: organizationId, label: 'Devices' },
          organizationId,
          details: { atRisk: org.atRisk, unprotected: org.unprotected },
        });
      }
    });
    return counts;
  }

  private async refreshBatches(
    column: 'license_id' | 'product_id',
    value: string,
    licenseOf: (device: DeviceRow) => Promise<LicenseListItem>,
  ): Promise<number> {
    let changed = 0;
    let after = '';
    for (;;) {
      const batch = await this.devices.batchOf(column, value, after, 500);
      if (batch.length === 0) return changed;
      await this.em.transactional(async () => {
        for (const device of batch) if (await this.refresh(device, await licenseOf(device))) changed++;
      });
      after = batch[batch.length - 1].id;
    }
  }

  /** Stores the device's protection as of now; returns the new one when it changed. */
  private async refresh(
    device: Pick<DeviceRow, 'id' | 'lastSeenAt' | 'agentVersion'>,
    license: Pick<LicenseListItem, 'status' | 'product'>,
  ): Promise<Protection | null> {
    const now = +this.clock.now();
    const state = protectionOf(
      {
        licenseStatus: license.status,
        lastSeenAt: device.lastSeenAt,
        agentVersion: device.agentVersion,
        currentAgentVersion: license.product.agentVersion,
      },
      now,
    );
    return (await this.devices.setProtection(device.id, state.protection, state.reason, now)) > 0
      ? state.protection
      : null;
  }

  private async removeOne(device: DeviceRow, by: 'agent' | 'person' | 'reclaim'): Promise<void> {
    if ((await this.devices.remove(device.id)) === 0) throw refused('This device was removed meanwhile.');
    await this.licenses.releaseSeat(device.licenseId);
    await this.audit.record({
      action: 'device.removed',
      ...(by === 'agent'
        ? {
            actor: {
              type: 'device' as const,
              id: device.id,
              label: device.name,
              organizationId: device.organizationId,
            },
          }
        : {}),
      target: deviceTarget(device),
      organizationId: device.organizationId,
      details: { by, platform: device.platform },
    });
  }

  private async recordActivation(
    device: Pick<DeviceRow, 'id' | 'name' | 'organizationId' | 'platform'>,
    license: LicenseListItem,
    placeholder: boolean,
  ): Promise<void> {
    await this.audit.record({
      action: 'device.activated',
      actor: { type: 'device', id: device.id, label: device.name, organizationId: device.organizationId },
      target: deviceTarget(device),
      organizationId: device.organizationId,
      details: { platform: device.platform, license: `${license.product.name} …${license.keyHint}`, placeholder },
    });
  }

  private async licenseIn(organizationId: string, licenseId: string): Promise<LicenseListItem> {
    try {
      return await this.licenses.get(organizationId, licenseId);
    } catch (err) {
      if (err instanceof NotFound) throw new InputRefused({ licenseId: 'Choose one of your organization’s licenses.' });
      throw err;
    }
  }

  private noSeat(license: LicenseListItem): string {
    return license.status === 'active' || license.status === 'grace'
      ? `Every seat of ${license.product.name} is in use (${license.seatsUsed} of ${license.seats}). Remove a device or add seats.`
      : `${license.product.name} is ${license.status}: it has no seat to give.`;
  }
}

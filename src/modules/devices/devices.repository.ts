import { Injectable } from '@nestjs/common';
import { keysetClause, type PageRequest } from '../../common/pagination';
import { placeholders, Sql } from '../../platform/database/sql';
import type { Platform } from '../catalog/platforms';
import type { Protection } from './protection';

export interface DeviceRow {
  id: string;
  organizationId: string;
  licenseId: string;
  productId: string;
  ownerId: string | null;
  name: string;
  platform: Platform;
  agentVersion: string | null;
  signaturesVersion: string | null;
  lastSeenAt: number | null;
  activatedAt: number | null;
  protection: Protection;
  protectionReason: string;
  createdAt: number;
}

export interface NewDeviceRow extends Omit<DeviceRow, 'protectionReason'> {
  protectionReason: string;
  fingerprint: string | null;
  tokenDigest: string | null;
}

export interface DeviceListFilter {
  organizationId: string;
  ownerId?: string;
  licenseId?: string;
  protection?: Protection;
  platform?: Platform;
  /** The start of the name, folded (nameKey). */
  namePrefix?: string;
}

/** A device's name as lists sort and search it: folded, so "laptop" finds "Laptop". */
export const nameKey = (name: string) => name.normalize('NFKC').toLowerCase().trim();

const DEVICE = `select d.id, d.organization_id as organizationId, d.license_id as licenseId, d.product_id as productId,
  d.owner_id as ownerId, d.name, d.platform, d.agent_version as agentVersion,
  d.signatures_version as signaturesVersion, d.last_seen_at as lastSeenAt, d.activated_at as activatedAt,
  d.protection, d.protection_reason as protectionReason, d.created_at as createdAt
  from devices d`;

/** The list's SQL: one organization's devices by name (folded), then id; keyset (also run by the bench's floor). */
export function deviceListQuery(filter: DeviceListFilter, request: PageRequest) {
  const where = ['d.organization_id = ?'];
  const params: unknown[] = [filter.organizationId];
  for (const [column, value] of [
    ['d.owner_id', filter.ownerId],
    ['d.license_id', filter.licenseId],
    ['d.protection', filter.protection],
    ['d.platform', filter.platform],
  ] as const) {
    if (value !== undefined) {
      where.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (filter.namePrefix) {
    // A range on the folded name: answered by the (organization, name_key) index, no scan.
    where.push('d.name_key >= ? and d.name_key < ?');
    params.push(filter.namePrefix, `${filter.namePrefix}\u{10FFFF}`);
  }
  const keyset = keysetClause(request, 'd.name_key', 'd.id');
  if (keyset.where) {
    where.push(keyset.where);
    params.push(...keyset.params);
  }
  return {
    sql: `${DEVICE} where ${where.join(' and ')} order by ${keyset.orderBy} limit ?`,
    params: [...params, request.limit + 1],
  };
}

/** Devices per protection of one organization (the summary) or one owner (the owner index); also the floor's. */
export const ORGANIZATION_SUMMARY_SQL = 'select protection, n from device_summary where organization_id = ?';
export const OWNER_SUMMARY_SQL = 'select protection, count(*) as n from devices where owner_id = ? group by protection';

/** The devices needing attention first (unprotected, then at risk) of an organization or an owner; also the floor's. */
export function attentionQuery(filter: { organizationId: string; ownerId?: string }, limit: number) {
  const owner = filter.ownerId ? ' and d.owner_id = ?' : '';
  const params = filter.ownerId ? [filter.organizationId, filter.ownerId] : [filter.organizationId];
  return {
    sql: `select * from (
         select * from (${DEVICE} where d.organization_id = ?${owner} and d.protection = 'unprotected' order by d.name_key, d.id limit ?)
         union all
         select * from (${DEVICE} where d.organization_id = ?${owner} and d.protection = 'at_risk' order by d.name_key, d.id limit ?)
       ) limit ?`,
    params: [...params, limit, ...params, limit, limit] as unknown[],
  };
}

/** Devices per protection install-wide, from the trigger-kept summary (also run by bench/floor.ts). */
export const INSTALL_SUMMARY_SQL = 'select protection, sum(n) as n from device_summary group by protection';

/**
 * The devices module's tables (devices, device_summary): plain rows through
 * `Sql`, in the caller's transaction. device_summary is written by the
 * schema's triggers only; this repository reads it.
 */
@Injectable()
export class DevicesRepository {
  constructor(private readonly sql: Sql) {}

  async insert(row: NewDeviceRow, now: number): Promise<void> {
    await this.sql.run(
      `insert into devices (id, organization_id, license_id, product_id, owner_id, name, name_key, platform, fingerprint,
         token_digest, agent_version, signatures_version, last_seen_at, activated_at, protection, protection_reason,
         protection_changed_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.organizationId,
        row.licenseId,
        row.productId,
        row.ownerId,
        row.name,
        nameKey(row.name),
        row.platform,
        row.fingerprint,
        row.tokenDigest,
        row.agentVersion,
        row.signaturesVersion,
        row.lastSeenAt,
        row.activatedAt,
        row.protection,
        row.protectionReason,
        now,
        now,
        now,
      ],
    );
  }

  byId(id: string): Promise<DeviceRow | undefined> {
    return this.sql.get<DeviceRow>(`${DEVICE} where d.id = ?`, [id]);
  }

  byTokenDigest(digest: string): Promise<DeviceRow | undefined> {
    return this.sql.get<DeviceRow>(`${DEVICE} where d.token_digest = ?`, [digest]);
  }

  byFingerprint(licenseId: string, fingerprint: string): Promise<DeviceRow | undefined> {
    return this.sql.get<DeviceRow>(`${DEVICE} where d.license_id = ? and d.fingerprint = ?`, [licenseId, fingerprint]);
  }

  /** A device added by hand on this license, named so, whose agent has not activated yet. */
  placeholderNamed(licenseId: string, name: string): Promise<DeviceRow | undefined> {
    return this.sql.get<DeviceRow>(
      `${DEVICE} where d.license_id = ? and d.name_key = ? and d.fingerprint is null order by d.created_at limit 1`,
      [licenseId, nameKey(name)],
    );
  }

  /** The agent takes over a placeholder (only while it has none): 1 or 0 rows. */
  async claim(
    id: string,
    agent: { fingerprint: string; tokenDigest: string; platform: Platform; name: string },
    now: number,
  ): Promise<number> {
    const result = await this.sql.run(
      `update devices set fingerprint = ?, token_digest = ?, platform = ?, name = ?, name_key = ?, activated_at = ?,
              updated_at = ?
        where id = ? and fingerprint is null`,
      [agent.fingerprint, agent.tokenDigest, agent.platform, agent.name, nameKey(agent.name), now, now, id],
    );
    return result.changes;
  }

  async replaceToken(id: string, tokenDigest: string, now: number): Promise<void> {
    await this.sql.run(`update devices set token_digest = ?, updated_at = ? where id = ?`, [tokenDigest, now, id]);
  }

  async recordHeartbeat(
    id: string,
    report: { agentVersion: string; signaturesVersion: string | null },
    now: number,
  ): Promise<void> {
    await this.sql.run(
      `update devices set agent_version = ?, signatures_version = coalesce(?, signatures_version), last_seen_at = ?,
              updated_at = ?
        where id = ?`,
      [report.agentVersion, report.signaturesVersion, now, now, id],
    );
  }

  /** Stores a recomputed protection; 1 when it changed (the reason alone changing is stored quietly). */
  async setProtection(id: string, protection: Protection, reason: string, now: number): Promise<number> {
    const changed = await this.sql.run(
      `update devices set protection = ?, protection_reason = ?, protection_changed_at = ?, updated_at = ?
        where id = ? and protection <> ?`,
      [protection, reason, now, now, id, protection],
    );
    if (changed.changes === 0) {
      await this.sql.run(`update devices set protection_reason = ? where id = ? and protection_reason <> ?`, [
        reason,
        id,
        reason,
      ]);
    }
    return changed.changes;
  }

  async update(id: string, changes: { name: string; ownerId: string | null }, now: number): Promise<void> {
    await this.sql.run(`update devices set name = ?, name_key = ?, owner_id = ?, updated_at = ? where id = ?`, [
      changes.name,
      nameKey(changes.name),
      changes.ownerId,
      now,
      id,
    ]);
  }

  /** Whether another license already has this device's agent (its fingerprint): one device per agent per license. */
  async fingerprintOn(deviceId: string, licenseId: string): Promise<boolean> {
    const row = await this.sql.get<{ id: string }>(
      `select d.id from devices d join devices self on self.id = ? and self.fingerprint = d.fingerprint
        where d.license_id = ? limit 1`,
      [deviceId, licenseId],
    );
    return row !== undefined;
  }

  async move(id: string, licenseId: string, productId: string, now: number): Promise<void> {
    await this.sql.run(`update devices set license_id = ?, product_id = ?, updated_at = ? where id = ?`, [
      licenseId,
      productId,
      now,
      id,
    ]);
  }

  /** Removes the device; 1 or 0 rows (someone removed it meanwhile). */
  async remove(id: string): Promise<number> {
    return (await this.sql.run(`delete from devices where id = ?`, [id])).changes;
  }

  list(filter: DeviceListFilter, request: PageRequest): Promise<DeviceRow[]> {
    const { sql, params } = deviceListQuery(filter, request);
    return this.sql.all<DeviceRow>(sql, params);
  }

  /** A batch of a license's (or product's) devices after `afterId`, by id (recomputing protection). */
  batchOf(column: 'license_id' | 'product_id', value: string, afterId: string, limit: number): Promise<DeviceRow[]> {
    return this.sql.all<DeviceRow>(`${DEVICE} where d.${column} = ? and d.id > ? order by d.id limit ?`, [
      value,
      afterId,
      limit,
    ]);
  }

  /**
   * Devices whose stored protection time has overtaken: protected but silent
   * past `protectedCutoff`, or at risk and silent past `unprotectedCutoff`.
   * Both read the (protection, last_seen_at) index.
   */
  staleCandidates(protectedCutoff: number, unprotectedCutoff: number, limit: number): Promise<DeviceRow[]> {
    return this.sql.all<DeviceRow>(
      `${DEVICE} where d.protection = 'protected' and d.last_seen_at <= ?
       union all
       ${DEVICE} where d.protection = 'at_risk' and d.last_seen_at <= ?
       limit ?`,
      [protectedCutoff, unprotectedCutoff, limit],
    );
  }

  /** An organization's devices not seen since `cutoff` (never seen: added before it), oldest first. */
  unseenSince(organizationId: string, cutoff: number, limit: number): Promise<DeviceRow[]> {
    return this.sql.all<DeviceRow>(
      `${DEVICE} where d.organization_id = ? and coalesce(d.last_seen_at, d.created_at) <= ?
        order by coalesce(d.last_seen_at, d.created_at), d.id limit ?`,
      [organizationId, cutoff, limit],
    );
  }

  /** The first `limit` devices of a license by name (the license's page). */
  onLicense(licenseId: string, limit: number): Promise<DeviceRow[]> {
    return this.sql.all<DeviceRow>(`${DEVICE} where d.license_id = ? order by d.name_key, d.id limit ?`, [
      licenseId,
      limit,
    ]);
  }

  /** Devices per protection of one organization, from the summary the triggers keep. */
  async summaryOf(organizationId: string): Promise<Record<Protection, number>> {
    const rows = await this.sql.all<{ protection: Protection; n: number }>(ORGANIZATION_SUMMARY_SQL, [organizationId]);
    return summary(rows);
  }

  /** Devices per protection of the whole install (operators' dashboard), from the summary. */
  async summaryOfInstall(): Promise<Record<Protection, number>> {
    return summary(await this.sql.all<{ protection: Protection; n: number }>(INSTALL_SUMMARY_SQL));
  }

  /** One person's devices per protection (a person has a handful: read through the owner index). */
  async summaryOfOwner(ownerId: string): Promise<Record<Protection, number>> {
    return summary(await this.sql.all<{ protection: Protection; n: number }>(OWNER_SUMMARY_SQL, [ownerId]));
  }

  /** Per license: devices seen since `seenSince`, and activated since `activatedSince` (the seats page). */
  async seatActivity(
    licenseIds: readonly string[],
    seenSince: number,
    activatedSince: number,
  ): Promise<Map<string, { seen: number; activated: number }>> {
    const out = new Map<string, { seen: number; activated: number }>();
    if (licenseIds.length === 0) return out;
    const rows = await this.sql.all<{ licenseId: string; seen: number; activated: number }>(
      `select l.id as licenseId,
              (select count(*) from devices d where d.license_id = l.id and d.last_seen_at >= ?) as seen,
              (select count(*) from devices d where d.license_id = l.id and d.activated_at >= ?) as activated
         from (select value as id from json_each(?)) l`,
      [seenSince, activatedSince, JSON.stringify(licenseIds)],
    );
    for (const row of rows) out.set(row.licenseId, { seen: row.seen, activated: row.activated });
    return out;
  }

  /** The devices needing attention first (unprotected, then at risk) of an organization or an owner. */
  attention(filter: { organizationId: string; ownerId?: string }, limit: number): Promise<DeviceRow[]> {
    const { sql, params } = attentionQuery(filter, limit);
    return this.sql.all<DeviceRow>(sql, params);
  }

  idsIn(ids: readonly string[], organizationId: string): Promise<DeviceRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.sql.all<DeviceRow>(`${DEVICE} where d.organization_id = ? and d.id in (${placeholders(ids.length)})`, [
      organizationId,
      ...ids,
    ]);
  }
}

function summary(rows: { protection: Protection; n: number }[]): Record<Protection, number> {
  const out: Record<Protection, number> = { protected: 0, at_risk: 0, unprotected: 0 };
  for (const row of rows) out[row.protection] = row.n;
  return out;
}

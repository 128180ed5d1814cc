import { Injectable } from '@nestjs/common';
import { Sql } from '../../../platform/database/sql';

/** What two-factor needs to know about a person; secrets still sealed. */
export interface TwoFactorRow {
  personId: string;
  email: string;
  name: string;
  status: string;
  organizationId: string | null;
  /** The person's organization requires two-factor (0/1). */
  requireTwoFactor: number;
  totpSecret: string | null;
  totpPendingSecret: string | null;
  totpEnabledAt: number | null;
  totpLastStep: number | null;
  antiPhishingPhrase: string | null;
}

const SELECT = `select p.id as personId, p.email, p.name, p.status, p.organization_id as organizationId,
         coalesce(o.require_two_factor, 0) as requireTwoFactor,
         p.totp_secret as totpSecret, p.totp_pending_secret as totpPendingSecret,
         p.totp_enabled_at as totpEnabledAt, p.totp_last_step as totpLastStep,
         p.anti_phishing_phrase as antiPhishingPhrase
    from people p
    left join organizations o on o.id = p.organization_id`;

/**
 * Two-factor columns of people and the recovery codes. Every "use" is one
 * conditional statement, so two racing requests cannot both spend the same
 * time step or recovery code. Never opens a transaction: the service does.
 */
@Injectable()
export class TwoFactorRepository {
  constructor(private readonly sql: Sql) {}

  async find(personId: string): Promise<TwoFactorRow | null> {
    const rows = await this.sql.all<TwoFactorRow>(`${SELECT} where p.id = ?`, [personId]);
    return rows[0] ?? null;
  }

  async findByEmail(email: string): Promise<TwoFactorRow | null> {
    const rows = await this.sql.all<TwoFactorRow>(`${SELECT} where p.email = ?`, [email]);
    return rows[0] ?? null;
  }

  /** Replaces any secret waiting for confirmation; an enabled one stays in force. */
  async setPending(personId: string, sealed: string, now: number): Promise<void> {
    await this.sql.run(`update people set totp_pending_secret = ?, updated_at = ? where id = ?`, [
      sealed,
      now,
      personId,
    ]);
  }

  /**
   * The pending secret becomes the secret (the old one, if any, is gone) with
   * `step` as its last accepted step. Only if the pending secret is still the
   * one the code was checked against: false otherwise.
   */
  async activatePending(personId: string, sealedPending: string, step: number, now: number): Promise<boolean> {
    const rows = await this.sql.all<{ id: string }>(
      `update people
          set totp_secret = totp_pending_secret, totp_pending_secret = null,
              totp_enabled_at = ?, totp_last_step = ?, updated_at = ?
        where id = ? and totp_pending_secret = ?
        returning id`,
      [now, step, now, personId, sealedPending],
    );
    return rows.length === 1;
  }

  /** Spends a time step: true only for the one request that moved the last step forward. */
  async claimStep(personId: string, step: number): Promise<boolean> {
    const rows = await this.sql.all<{ id: string }>(
      `update people set totp_last_step = ?
        where id = ? and totp_enabled_at is not null and (totp_last_step is null or totp_last_step < ?)
        returning id`,
      [step, personId, step],
    );
    return rows.length === 1;
  }

  /** Two-factor off: secrets, steps and recovery codes all gone. */
  async clear(personId: string, now: number): Promise<void> {
    await this.sql.run(
      `update people
          set totp_secret = null, totp_pending_secret = null, totp_enabled_at = null, totp_last_step = null,
              updated_at = ?
        where id = ?`,
      [now, personId],
    );
    await this.sql.run(`delete from recovery_codes where person_id = ?`, [personId]);
  }

  /** A new set of codes; the old ones stop working. */
  async replaceRecoveryCodes(personId: string, digests: string[], now: number): Promise<void> {
    await this.sql.run(`delete from recovery_codes where person_id = ?`, [personId]);
    for (const digest of digests) {
      await this.sql.run(`insert into recovery_codes (person_id, code_hash, created_at) values (?, ?, ?)`, [
        personId,
        digest,
        now,
      ]);
    }
  }

  /** Spends a recovery code: true only once per code, for a person with two-factor on. */
  async useRecoveryCode(personId: string, digest: string, now: number): Promise<boolean> {
    const rows = await this.sql.all<{ id: number }>(
      `update recovery_codes set used_at = ?
        where person_id = ? and code_hash = ? and used_at is null
          and exists (select 1 from people where id = ? and totp_enabled_at is not null)
        returning id`,
      [now, personId, digest, personId],
    );
    return rows.length === 1;
  }

  async unusedRecoveryCodes(personId: string): Promise<number> {
    const [row] = await this.sql.all<{ n: number }>(
      `select count(*) as n from recovery_codes where person_id = ? and used_at is null`,
      [personId],
    );
    return row?.n ?? 0;
  }

  /** Active people of an organization who have not turned two-factor on (the admin's settings page). */
  async countWithoutTwoFactor(organizationId: string): Promise<number> {
    const [row] = await this.sql.all<{ n: number }>(
      `select count(*) as n from people
        where organization_id = ? and status = 'active' and totp_enabled_at is null`,
      [organizationId],
    );
    return row?.n ?? 0;
  }
}

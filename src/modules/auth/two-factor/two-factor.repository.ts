import { Injectable } from '@nestjs/common';
import { Sql } from '../../../platform/database/sql';

/** A person's two-factor secrets, still sealed. */
export interface TwoFactorSecretsRow {
  secret: string | null;
  pendingSecret: string | null;
  lastStep: number | null;
}

/**
 * The two-factor secrets and the recovery codes. Every "use" is one
 * conditional statement, so two racing requests cannot both spend the same
 * time step or recovery code. Never opens a transaction: the service does.
 */
@Injectable()
export class TwoFactorRepository {
  constructor(private readonly sql: Sql) {}

  find(personId: string): Promise<TwoFactorSecretsRow | undefined> {
    return this.sql.get<TwoFactorSecretsRow>(
      `select secret, pending_secret as pendingSecret, last_step as lastStep
         from two_factor_secrets where person_id = ?`,
      [personId],
    );
  }

  /** Replaces any secret waiting for confirmation; an enabled one stays in force. */
  async setPending(personId: string, sealed: string, now: number): Promise<void> {
    await this.sql.run(
      `insert into two_factor_secrets (person_id, pending_secret, updated_at) values (?, ?, ?)
       on conflict (person_id) do update set pending_secret = excluded.pending_secret, updated_at = excluded.updated_at`,
      [personId, sealed, now],
    );
  }

  /**
   * The pending secret becomes the secret (the old one, if any, is gone) with
   * `step` as its last accepted step. Only if the pending secret is still the
   * one the code was checked against: false otherwise.
   */
  async activatePending(personId: string, sealedPending: string, step: number, now: number): Promise<boolean> {
    const rows = await this.sql.all(
      `update two_factor_secrets
          set secret = pending_secret, pending_secret = null, last_step = ?, updated_at = ?
        where person_id = ? and pending_secret = ?
        returning person_id`,
      [step, now, personId, sealedPending],
    );
    return rows.length === 1;
  }

  /** Spends a time step: true only for the one request that moved the last step forward. */
  async claimStep(personId: string, step: number): Promise<boolean> {
    const rows = await this.sql.all(
      `update two_factor_secrets set last_step = ?
        where person_id = ? and secret is not null and (last_step is null or last_step < ?)
        returning person_id`,
      [step, personId, step],
    );
    return rows.length === 1;
  }

  /** Two-factor off: secrets, steps and recovery codes all gone. */
  async clear(personId: string): Promise<void> {
    await this.sql.run(`delete from two_factor_secrets where person_id = ?`, [personId]);
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
    const rows = await this.sql.all(
      `update recovery_codes set used_at = ?
        where person_id = ? and code_hash = ? and used_at is null
          and exists (select 1 from two_factor_secrets where person_id = ? and secret is not null)
        returning id`,
      [now, personId, digest, personId],
    );
    return rows.length === 1;
  }

  async unusedRecoveryCodes(personId: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      `select count(*) as n from recovery_codes where person_id = ? and used_at is null`,
      [personId],
    );
    return row?.n ?? 0;
  }
}

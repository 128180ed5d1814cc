import { Injectable } from '@nestjs/common';
import { placeholders, rowChunks, Sql } from '../../platform/database/sql';
import { normalizeEmail, type Role } from './person.entity';

/** An invited person's open invitation (the link's digest is never read back). */
export interface InvitationRow {
  personId: string;
  organizationId: string | null;
  email: string;
  name: string;
  role: Role;
  sentAt: number;
  expiresAt: number;
}

/** A new invited person: no password yet (an empty hash verifies nothing). */
export interface InvitedPersonRow {
  id: string;
  organizationId: string | null;
  email: string;
  name: string;
  role: Role;
}

/** One invited person and their link's digest, for insertInvited(). */
export interface NewInvitation {
  person: InvitedPersonRow;
  digest: string;
}

// Rows per insert statement: 7 bound values each (people), far below SQLite's 32,766.
const INSERT_CHUNK = 200;

const INVITATION = `select i.person_id as personId, i.organization_id as organizationId, p.email, p.name, p.role,
  i.sent_at as sentAt, i.expires_at as expiresAt
  from invitations i join people p on p.id = i.person_id`;

/**
 * Invitations: one row per invited person, holding only the SHA-256 of the
 * link. Resending replaces the digest (the old link stops working);
 * accepting deletes the row; revoking deletes the invited person, and the
 * row with them. Never opens a transaction: the service's holds.
 */
@Injectable()
export class InvitationsRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Creates the invited people and their invitations, a chunk of rows per
   * statement, in the caller's transaction (a taken address fails it).
   */
  async insertInvited(
    rows: readonly NewInvitation[],
    invitedBy: string | null,
    now: number,
    expiresAt: number,
  ): Promise<void> {
    for (const chunk of rowChunks(rows, INSERT_CHUNK)) {
      await this.sql.run(
        `insert into people (id, created_at, updated_at, organization_id, email, name, password_hash, role, status,
           failed_sign_ins, lockouts)
         values ${chunk.map(() => "(?, ?, ?, ?, ?, ?, '', ?, 'invited', 0, 0)").join(', ')}`,
        chunk.flatMap(({ person }) => [
          person.id,
          now,
          now,
          person.organizationId,
          normalizeEmail(person.email),
          person.name,
          person.role,
        ]),
      );
      await this.sql.run(
        `insert into invitations (person_id, organization_id, token_hash, invited_by, created_at, sent_at, expires_at)
         values ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap(({ person, digest }) => [
          person.id,
          person.organizationId,
          digest,
          invitedBy,
          now,
          now,
          expiresAt,
        ]),
      );
    }
  }

  /** Which of these addresses (normalized) already belong to someone. */
  async emailsTaken(emails: readonly string[]): Promise<Set<string>> {
    const taken = new Set<string>();
    for (let i = 0; i < emails.length; i += 500) {
      const chunk = emails.slice(i, i + 500);
      const rows = await this.sql.all<{ email: string }>(
        `select email from people where email in (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const row of rows) taken.add(row.email);
    }
    return taken;
  }

  /** The open invitation of an invited person, wherever it stands (expired ones included). */
  ofPerson(personId: string): Promise<InvitationRow | undefined> {
    return this.sql.get<InvitationRow>(`${INVITATION} where i.person_id = ? and p.status = 'invited'`, [personId]);
  }

  /** A new link for an invited person: the old digest is replaced. 1 or 0 rows. */
  async replaceToken(personId: string, digest: string, now: number, expiresAt: number): Promise<number> {
    const result = await this.sql.run(
      `update invitations set token_hash = ?, sent_at = ?, expires_at = ?
        where person_id = ? and exists (select 1 from people p where p.id = invitations.person_id and p.status = 'invited')`,
      [digest, now, expiresAt, personId],
    );
    return result.changes;
  }

  /** The invitation a link opens, while it is good. */
  findValid(digest: string, now: number): Promise<InvitationRow | undefined> {
    return this.sql.get<InvitationRow>(
      `${INVITATION} where i.token_hash = ? and i.expires_at > ? and p.status = 'invited'`,
      [digest, now],
    );
  }

  /** Uses a link: at most once, even when two requests race (one conditional statement). */
  async consume(digest: string, now: number): Promise<string | undefined> {
    const row = await this.sql.get<{ personId: string }>(
      `delete from invitations where token_hash = ? and expires_at > ? returning person_id as personId`,
      [digest, now],
    );
    return row?.personId;
  }

  /** The accepted invitation's person becomes active with their name and password. 1 or 0 rows. */
  async activate(personId: string, name: string, passwordHash: string, now: number): Promise<number> {
    const result = await this.sql.run(
      `update people set status = 'active', name = ?, password_hash = ?, password_changed_at = ?, updated_at = ?
        where id = ? and status = 'invited'`,
      [name, passwordHash, now, now, personId],
    );
    return result.changes;
  }

  /** Removes an invited person of this organization (or of none: staff); their invitation goes with them. */
  async removeInvited(organizationId: string | null, personId: string): Promise<number> {
    const result =
      organizationId === null
        ? await this.sql.run(`delete from people where id = ? and status = 'invited' and organization_id is null`, [
            personId,
          ])
        : await this.sql.run(`delete from people where id = ? and status = 'invited' and organization_id = ?`, [
            personId,
            organizationId,
          ]);
    return result.changes;
  }
}

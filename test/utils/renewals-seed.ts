import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openSqlite } from '../../src/cli/sqlite-file';
import { organizationNameKey } from '../../src/modules/organizations/organization-name';

export interface RenewalsSeed {
  /** The catalog product (and one of its plans) every license is of. */
  productId: string;
  planId: string;
  organizations: number;
  adminsPerOrganization: number;
  /** Spread over the organizations in turn. */
  licenses: number;
  /** Expiries spread evenly over [firstExpiry, lastExpiry] (ms). */
  firstExpiry: number;
  lastExpiry: number;
  now: number;
}

const ROWS = 100; // rows per statement: at most 16 parameters a row, far below SQLite's limit

function insertMany(db: ReturnType<typeof openSqlite>, head: string, row: string, rows: readonly unknown[][]): void {
  for (let i = 0; i < rows.length; i += ROWS) {
    const chunk = rows.slice(i, i + ROWS);
    db.prepare(`${head} values ${chunk.map(() => row).join(', ')}`).run(...chunk.flat());
  }
}

/**
 * Organizations with active admins and active licenses expiring over a span,
 * inserted straight into a data directory's database (closed app) with
 * multi-row statements in one transaction: the reminders' e2e crash test
 * and bench/reminders.bench.ts. Returns the admins' addresses by organization.
 */
export function seedRenewals(dataDir: string, spec: RenewalsSeed): { organizationIds: string[]; admins: string[] } {
  const db = openSqlite(join(dataDir, 'seatdesk.db'));
  try {
    const organizationIds: string[] = [];
    const orgs: unknown[][] = [];
    const people: unknown[][] = [];
    const admins: string[] = [];
    const tag = randomBytes(3).toString('hex');
    for (let n = 0; n < spec.organizations; n++) {
      const id = randomUUID();
      const name = `Renewals ${tag} ${n}`;
      organizationIds.push(id);
      orgs.push([id, spec.now, spec.now, name, organizationNameKey(name)]);
      for (let a = 0; a < spec.adminsPerOrganization; a++) {
        const email = `admin${a}.${n}.${tag}@renewals.example`;
        admins.push(email);
        people.push([randomUUID(), spec.now, spec.now, id, email, `Admin ${a} of ${n}`]);
      }
    }
    const licenses: unknown[][] = [];
    const span = spec.lastExpiry - spec.firstExpiry;
    for (let n = 0; n < spec.licenses; n++) {
      const expiresAt = Math.round(spec.firstExpiry + (spec.licenses > 1 ? (span * n) / (spec.licenses - 1) : 0));
      licenses.push([
        randomUUID(),
        organizationIds[n % organizationIds.length],
        spec.productId,
        spec.planId,
        randomBytes(32).toString('hex'),
        randomBytes(3).toString('hex').toUpperCase().slice(0, 5),
        expiresAt - 365 * 86_400_000,
        expiresAt,
        n % 2,
        spec.now,
        spec.now,
        spec.now,
      ]);
    }
    db.prepare('begin immediate').run();
    insertMany(db, 'insert into organizations (id, created_at, updated_at, name, name_key)', '(?, ?, ?, ?, ?)', orgs);
    insertMany(
      db,
      `insert into people (id, created_at, updated_at, organization_id, email, name, password_hash, role, status,
         failed_sign_ins, lockouts)`,
      "(?, ?, ?, ?, ?, ?, '', 'admin', 'active', 0, 0)",
      people,
    );
    insertMany(
      db,
      `insert into licenses (id, organization_id, product_id, plan_id, key_digest, key_sealed, key_hint, seats,
         seats_used, starts_at, expires_at, auto_renew, status, status_changed_at, created_at, updated_at)`,
      "(?, ?, ?, ?, ?, 'seeded', ?, 10, 0, ?, ?, ?, 'active', ?, ?, ?)",
      licenses,
    );
    db.prepare('commit').run();
    return { organizationIds, admins };
  } finally {
    db.close();
  }
}

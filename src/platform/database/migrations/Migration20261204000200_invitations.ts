import { Migration } from '@mikro-orm/migrations';
import type { Knex } from '@mikro-orm/knex';

/** The part of a better-sqlite3 connection this migration uses. */
interface RawSqlite {
  pragma(source: string, options?: { simple: boolean }): unknown;
  prepare(sql: string): { run(...params: unknown[]): unknown };
  unsafeMode(on: boolean): void;
}

const OLD_CHECK = "check (`status` in ('active', 'disabled'))";
const NEW_CHECK = "check (`status` in ('active', 'disabled', 'invited'))";

// People can be invited: a person with status `invited` has no password yet
// and cannot sign in until they accept their invitation (one row per invited
// person, the link's SHA-256 only; removed when it is accepted, and with the
// person when the invitation is revoked).
//
// SQLite cannot alter a CHECK constraint, and rebuilding `people` inside the
// migrations' transaction (where foreign keys cannot be switched off) would
// cascade-delete every row that references it. SQLite documents loosening a
// CHECK by rewriting the table's stored definition (writable_schema, with the
// schema version bumped): that is done here, for this one statement only.
export class Migration20261204000200_invitations extends Migration {
  override async up(): Promise<void> {
    const trx = this.ctx as unknown as Knex.Transaction | undefined;
    if (!trx) throw new Error('The invitations migration runs inside the migrations transaction');
    const db = (await (trx.client as { acquireConnection(): Promise<RawSqlite> }).acquireConnection()) as RawSqlite;
    const version = Number(db.pragma('schema_version', { simple: true }));
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      db.prepare(`update sqlite_schema set sql = replace(sql, ?, ?) where type = 'table' and name = 'people'`).run(
        OLD_CHECK,
        NEW_CHECK,
      );
      db.pragma(`schema_version = ${version + 1}`);
      db.pragma('writable_schema = OFF');
    } finally {
      db.unsafeMode(false);
    }

    this.addSql(`create table \`invitations\` (
      \`person_id\` text not null primary key references \`people\` (\`id\`) on delete cascade,
      \`organization_id\` text null references \`organizations\` (\`id\`) on delete cascade,
      \`token_hash\` text not null,
      \`invited_by\` text null references \`people\` (\`id\`) on delete set null,
      \`created_at\` integer not null,
      \`sent_at\` integer not null,
      \`expires_at\` integer not null
    );`);
    this.addSql('create unique index `invitations_token_hash_unique` on `invitations` (`token_hash`);');
    this.addSql('create index `invitations_invited_by_index` on `invitations` (`invited_by`);');
    this.addSql('create index `people_org_status_index` on `people` (`organization_id`, `status`, `id`);');
  }
}

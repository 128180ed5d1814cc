import { Migration } from '@mikro-orm/migrations';

// Two-factor secrets and the last accepted step move out of `people` into a
// table of the auth module's own; `people.totp_enabled_at` stays, as the fact
// people lists filter on.
export class Migration20261204000000_two_factor_secrets extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`two_factor_secrets\` (
      \`person_id\` text not null primary key references \`people\` (\`id\`) on delete cascade,
      \`secret\` text null,
      \`pending_secret\` text null,
      \`last_step\` integer null,
      \`updated_at\` integer not null
    );`);
    this
      .addSql(`insert into \`two_factor_secrets\` (\`person_id\`, \`secret\`, \`pending_secret\`, \`last_step\`, \`updated_at\`)
      select \`id\`, \`totp_secret\`, \`totp_pending_secret\`, \`totp_last_step\`, \`updated_at\` from \`people\`
       where \`totp_secret\` is not null or \`totp_pending_secret\` is not null;`);
    for (const column of ['totp_secret', 'totp_pending_secret', 'totp_last_step']) {
      this.addSql(`alter table \`people\` drop column \`${column}\`;`);
    }
  }
}

import { Migration } from '@mikro-orm/migrations';

// Licenses: one organization's right to use a product on a plan, with its
// product key (looked up by SHA-256, kept sealed for revealing, its last
// group in clear for the masked form), seats and the seats in use (a
// counter changed by conditional statements: never more than the seats),
// term, auto-renew and status. license_events is each license's history.
export class Migration20261205000200_licenses extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`licenses\` (
      \`id\` text not null primary key,
      \`organization_id\` text not null references \`organizations\` (\`id\`),
      \`product_id\` text not null references \`products\` (\`id\`),
      \`plan_id\` text not null references \`plans\` (\`id\`),
      \`key_digest\` text not null,
      \`key_sealed\` text not null,
      \`key_hint\` text not null,
      \`seats\` integer not null check (\`seats\` between 1 and 100000),
      \`seats_used\` integer not null default 0,
      \`starts_at\` integer not null,
      \`expires_at\` integer not null,
      \`auto_renew\` integer not null default 0 check (\`auto_renew\` in (0, 1)),
      \`status\` text not null check (\`status\` in ('active', 'grace', 'expired', 'suspended', 'cancelled')),
      \`status_changed_at\` integer not null,
      \`created_at\` integer not null,
      \`updated_at\` integer not null,
      check (\`seats_used\` between 0 and \`seats\`),
      check (\`expires_at\` > \`starts_at\`)
    );`);
    this.addSql('create unique index `licenses_key_digest_unique` on `licenses` (`key_digest`);');
    this.addSql('create index `licenses_org_expiry` on `licenses` (`organization_id`, `expires_at`, `id`);');
    this.addSql('create index `licenses_status_expiry` on `licenses` (`status`, `expires_at`);');
    this.addSql('create index `licenses_key_hint` on `licenses` (`key_hint`);');
    this.addSql(`create table \`license_events\` (
      \`id\` integer not null primary key autoincrement,
      \`license_id\` text not null references \`licenses\` (\`id\`) on delete cascade,
      \`at\` integer not null,
      \`kind\` text not null,
      \`from_status\` text null,
      \`to_status\` text null,
      \`actor_label\` text null,
      \`details\` text null
    );`);
    this.addSql('create index `license_events_license` on `license_events` (`license_id`, `id`);');
  }
}

import { Migration } from '@mikro-orm/migrations';

// Lockout counters, two-factor, recovery options, single-use tokens, known
// browsers, and the session stages of a sign-in that is not finished yet.
export class Migration20261126000400_account_security extends Migration {
  override async up(): Promise<void> {
    for (const column of [
      '`failed_sign_ins` integer not null default 0',
      '`last_failed_at` integer null',
      '`locked_until` integer null',
      '`lockouts` integer not null default 0',
      '`totp_secret` text null',
      '`totp_pending_secret` text null',
      '`totp_enabled_at` integer null',
      '`totp_last_step` integer null',
      '`anti_phishing_phrase` text null',
      '`backup_email` text null',
      '`backup_email_confirmed_at` integer null',
      '`password_changed_at` integer null',
    ]) {
      this.addSql(`alter table \`people\` add column ${column};`);
    }
    this.addSql(
      'create index `people_locked_until_index` on `people` (`locked_until`) where `locked_until` is not null;',
    );
    this.addSql('alter table `organizations` add column `require_two_factor` integer not null default 0;');

    // stage: 'active' (signed in), 'two_factor' (password done, code pending), 'enrol' (must set up two-factor)
    this.addSql("alter table `sessions` add column `stage` text not null default 'active';");
    this.addSql('alter table `sessions` add column `confirmed_at` integer null;');
    this.addSql('alter table `sessions` add column `browser_id` text null;');

    this.addSql(`create table \`auth_tokens\` (
      \`id\` integer not null primary key autoincrement,
      \`person_id\` text not null references \`people\` (\`id\`) on delete cascade,
      \`purpose\` text not null check (\`purpose\` in ('password_reset', 'email_change', 'backup_email')),
      \`token_hash\` text not null,
      \`payload\` text null,
      \`created_at\` integer not null,
      \`expires_at\` integer not null,
      \`used_at\` integer null
    );`);
    this.addSql('create unique index `auth_tokens_token_hash_unique` on `auth_tokens` (`token_hash`);');
    this.addSql('create index `auth_tokens_person_purpose_index` on `auth_tokens` (`person_id`, `purpose`);');

    this.addSql(`create table \`recovery_codes\` (
      \`id\` integer not null primary key autoincrement,
      \`person_id\` text not null references \`people\` (\`id\`) on delete cascade,
      \`code_hash\` text not null,
      \`created_at\` integer not null,
      \`used_at\` integer null
    );`);
    this.addSql('create index `recovery_codes_person_id_index` on `recovery_codes` (`person_id`);');

    this.addSql(`create table \`known_browsers\` (
      \`person_id\` text not null references \`people\` (\`id\`) on delete cascade,
      \`browser_id\` text not null,
      \`first_seen_at\` integer not null,
      \`last_seen_at\` integer not null,
      \`user_agent\` text null,
      primary key (\`person_id\`, \`browser_id\`)
    );`);
  }
}

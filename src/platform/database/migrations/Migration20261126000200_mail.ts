import { Migration } from '@mikro-orm/migrations';

// The mail outbox: every message is stored here first (inside the caller's
// transaction), then delivered. Times are epoch milliseconds.
export class Migration20261126000200_mail extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`mail_messages\` (
      \`id\` integer not null primary key autoincrement,
      \`template\` text not null,
      \`recipient\` text not null,
      \`subject\` text not null,
      \`text_body\` text not null,
      \`html_body\` text not null,
      \`status\` text not null check (\`status\` in ('queued', 'sending', 'sent', 'failed')),
      \`attempts\` integer not null default 0,
      \`next_attempt_at\` integer not null,
      \`lease_until\` integer null,
      \`last_attempt_at\` integer null,
      \`last_error\` text null,
      \`sent_at\` integer null,
      \`smtp_message_id\` text null,
      \`created_at\` integer not null
    );`);
    // Claiming due messages, re-claiming expired leases, and the filtered outbox list.
    this.addSql(
      'create index `mail_messages_status_next_attempt_at_index` on `mail_messages` (`status`, `next_attempt_at`);',
    );
    this.addSql('create index `mail_messages_status_lease_until_index` on `mail_messages` (`status`, `lease_until`);');
    this.addSql('create index `mail_messages_status_id_index` on `mail_messages` (`status`, `id`);');
  }
}

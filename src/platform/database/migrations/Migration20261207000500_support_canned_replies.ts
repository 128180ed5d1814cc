import { Migration } from '@mikro-orm/migrations';

// Canned replies: texts the helpdesk inserts into a ticket reply, listed by title.
export class Migration20261207000500_support_canned_replies extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`support_canned_replies\` (
      \`id\` text not null primary key,
      \`title\` text not null,
      \`body\` text not null,
      \`created_at\` integer not null,
      \`updated_at\` integer not null
    );`);
    this.addSql('create index `support_canned_replies_title_idx` on `support_canned_replies` (`title`);');
  }
}

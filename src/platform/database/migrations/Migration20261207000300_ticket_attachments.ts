import { Migration } from '@mikro-orm/migrations';

// Files attached to a ticket's message (the support module). The file itself
// is stored as `${DATA_DIR}/uploads/tickets/<id>`; the client's name is kept
// only as the text shown on the page and in the download's header.
export class Migration20261207000300_ticket_attachments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`ticket_attachments\` (
      \`id\` text not null primary key,
      \`ticket_id\` text not null references \`tickets\` (\`id\`) on delete cascade,
      \`message_id\` integer not null references \`ticket_messages\` (\`id\`) on delete cascade,
      \`name\` text not null,
      \`size\` integer not null,
      \`content_type\` text not null,
      \`created_at\` integer not null
    );`);
    this.addSql('create index `ticket_attachments_ticket_idx` on `ticket_attachments` (`ticket_id`, `message_id`);');
  }
}

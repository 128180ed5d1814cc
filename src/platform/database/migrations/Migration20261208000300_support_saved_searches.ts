import { Migration } from '@mikro-orm/migrations';

// The queue's views and saved searches. Each view walks its own partial
// index in its own order (the query repeats the index's condition word for
// word, so SQLite picks it): "waiting on me" (an agent's new and open
// tickets, highest priority first, then the longest waiting: one sort key,
// priority × 10^13 + last activity in ms), "unassigned" (newest first) and
// "waiting on customer" (an agent's pending tickets, longest waiting first).
// A saved search is an agent's named filter set, private or shared with all
// staff; its name is unique per owner, whatever the case.
export class Migration20261208000300_support_saved_searches extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      "create index `tickets_view_mine_idx` on `tickets` (`assignee_id`, (`priority` * 10000000000000 + `last_activity_at`), `id`) where `status` in ('new', 'open');",
    );
    this.addSql(
      "create index `tickets_view_unassigned_idx` on `tickets` (`assignee_id`, `created_at`, `id`) where `status` in ('new', 'open', 'pending');",
    );
    this.addSql(
      "create index `tickets_view_waiting_idx` on `tickets` (`assignee_id`, `status_changed_at`, `id`) where `status` = 'pending';",
    );
    this.addSql(`create table \`support_saved_searches\` (
      \`id\` text not null primary key,
      \`owner_id\` text not null references \`people\` (\`id\`) on delete cascade,
      \`name\` text not null,
      \`shared\` integer not null default 0 check (\`shared\` in (0, 1)),
      \`query\` text not null,
      \`created_at\` integer not null
    );`);
    this.addSql(
      'create unique index `support_saved_searches_owner_name_idx` on `support_saved_searches` (`owner_id`, lower(`name`));',
    );
    this.addSql('create index `support_saved_searches_shared_idx` on `support_saved_searches` (`shared`, `name`);');
  }
}

import { Migration } from '@mikro-orm/migrations';

// Support tickets: a ticket of an organization, opened by one of its people,
// and its conversation (public replies and the helpdesk's internal notes).
// The queue is listed newest activity first, with an index for each filter
// ending in (last_activity_at, id); the jobs find solved and pending tickets
// through (status, status_changed_at).
export class Migration20261207000200_support extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`tickets\` (
      \`id\` text not null primary key,
      \`organization_id\` text not null references \`organizations\` (\`id\`) on delete cascade,
      \`requester_id\` text not null references \`people\` (\`id\`) on delete cascade,
      \`subject\` text not null,
      \`category\` text not null,
      \`urgency\` text not null check (\`urgency\` in ('low', 'normal', 'high')),
      \`impact\` text not null check (\`impact\` in ('low', 'normal', 'high')),
      \`priority\` integer not null check (\`priority\` between 1 and 4),
      \`status\` text not null check (\`status\` in ('new', 'open', 'pending', 'solved', 'closed')),
      \`assignee_id\` text null references \`people\` (\`id\`) on delete set null,
      \`device_id\` text null,
      \`license_id\` text null,
      \`created_at\` integer not null,
      \`last_activity_at\` integer not null,
      \`status_changed_at\` integer not null,
      \`resolved_at\` integer null,
      \`pending_reminded_at\` integer null
    );`);
    this.addSql('create index `tickets_activity_idx` on `tickets` (`last_activity_at`, `id`);');
    this.addSql('create index `tickets_status_activity_idx` on `tickets` (`status`, `last_activity_at`, `id`);');
    this.addSql('create index `tickets_priority_activity_idx` on `tickets` (`priority`, `last_activity_at`, `id`);');
    this.addSql('create index `tickets_category_activity_idx` on `tickets` (`category`, `last_activity_at`, `id`);');
    this.addSql(
      'create index `tickets_organization_activity_idx` on `tickets` (`organization_id`, `last_activity_at`, `id`);',
    );
    this.addSql('create index `tickets_assignee_activity_idx` on `tickets` (`assignee_id`, `last_activity_at`, `id`);');
    this.addSql(
      'create index `tickets_requester_activity_idx` on `tickets` (`requester_id`, `last_activity_at`, `id`);',
    );
    this.addSql('create index `tickets_status_changed_idx` on `tickets` (`status`, `status_changed_at`);');
    this.addSql(`create table \`ticket_messages\` (
      \`id\` integer not null primary key autoincrement,
      \`ticket_id\` text not null references \`tickets\` (\`id\`) on delete cascade,
      \`author_id\` text null references \`people\` (\`id\`) on delete set null,
      \`author_name\` text not null,
      \`from_staff\` integer not null default 0,
      \`internal\` integer not null default 0,
      \`body\` text not null,
      \`created_at\` integer not null
    );`);
    this.addSql('create index `ticket_messages_ticket_idx` on `ticket_messages` (`ticket_id`, `id`);');
  }
}

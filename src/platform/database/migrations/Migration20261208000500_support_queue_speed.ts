import { Migration } from '@mikro-orm/migrations';

// The queue's view counts read only the index. "Waiting on me" and
// "unassigned" are partial indexes on `status in (…)`, a condition SQLite
// does not count as known from the index, so each capped count (up to 1,001
// tickets a page view) looked up every ticket's row for its status: the
// status as a last column makes the counts covering. The columns before it,
// and so the views' order and keyset, are unchanged.
export class Migration20261208000500_support_queue_speed extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index `tickets_view_mine_idx`;');
    this.addSql(
      "create index `tickets_view_mine_idx` on `tickets` (`assignee_id`, (`priority` * 10000000000000 + `last_activity_at`), `id`, `status`) where `status` in ('new', 'open');",
    );
    this.addSql('drop index `tickets_view_unassigned_idx`;');
    this.addSql(
      "create index `tickets_view_unassigned_idx` on `tickets` (`assignee_id`, `created_at`, `id`, `status`) where `status` in ('new', 'open', 'pending');",
    );
  }
}

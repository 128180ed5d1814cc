import { Migration } from '@mikro-orm/migrations';

// Merging duplicate tickets and pausing the SLA clock while a ticket waits on
// its customer (the support module).
// - `merged_into`: the ticket a closed duplicate was merged into; its
//   requester may still open that ticket (looked up through the index).
// - `sla_paused_at`: when the ticket last went pending, null when it is not
//   pending; `sla_paused_seconds`: the business time spent pending before.
//   Tickets pending at migration time are paused from their last status change.
// - A merged conversation is read in time order: (ticket_id, created_at, id).
export class Migration20261208000200_ticket_merge_sla_pause extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table `tickets` add column `merged_into` text null references `tickets` (`id`) on delete set null;',
    );
    this.addSql('alter table `tickets` add column `sla_paused_at` integer null;');
    this.addSql('alter table `tickets` add column `sla_paused_seconds` integer not null default 0;');
    this.addSql("update `tickets` set `sla_paused_at` = `status_changed_at` where `status` = 'pending';");
    this.addSql('create index `tickets_merged_into_idx` on `tickets` (`merged_into`, `requester_id`);');
    this.addSql(
      'create index `ticket_messages_ticket_time_idx` on `ticket_messages` (`ticket_id`, `created_at`, `id`);',
    );
  }
}

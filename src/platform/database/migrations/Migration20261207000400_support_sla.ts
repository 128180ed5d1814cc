import { Migration } from '@mikro-orm/migrations';

// The support SLA clock: when a ticket first got a public agent reply (its
// first response). Tickets answered before this migration take the time of
// their first public staff message.
export class Migration20261207000400_support_sla extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `tickets` add column `first_response_at` integer null;');
    this.addSql(
      'update `tickets` set `first_response_at` = (select min(m.`created_at`) from `ticket_messages` m ' +
        'where m.`ticket_id` = `tickets`.`id` and m.`from_staff` = 1 and m.`internal` = 0);',
    );
  }
}

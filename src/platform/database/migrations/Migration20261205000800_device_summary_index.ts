import { Migration } from '@mikro-orm/migrations';

// The operators' dashboard adds up device_summary by protection across every
// organization: this index answers it in protection order from the index
// alone (no table reads, no temporary sort).
export class Migration20261205000800_device_summary_index extends Migration {
  override async up(): Promise<void> {
    this.addSql('create index `device_summary_protection` on `device_summary` (`protection`, `n`);');
  }
}

import { Migration } from '@mikro-orm/migrations';

// Pages and mail show times in the reader's zone: their own, else their
// organization's, else the install's TIME_ZONE. Null: not chosen.
export class Migration20261204000300_time_zones extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `people` add column `time_zone` text null;');
    this.addSql('alter table `organizations` add column `time_zone` text null;');
  }
}

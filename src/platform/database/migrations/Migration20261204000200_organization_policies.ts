import { Migration } from '@mikro-orm/migrations';

// An organization may ask more of its people than the install does: a longer
// minimum password length, a shorter idle timeout. Null: the install's.
export class Migration20261204000200_organization_policies extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `organizations` add column `password_min_length` integer null;');
    this.addSql('alter table `organizations` add column `session_idle_seconds` integer null;');
  }
}

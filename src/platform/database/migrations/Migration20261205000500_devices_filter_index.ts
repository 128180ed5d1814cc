import { Migration } from '@mikro-orm/migrations';

// The device list filtered by protection and platform together (the "at risk
// Windows PCs" view) read one of the two single-filter indexes and checked
// the other column row by row: at 100,000 devices, over a thousand rows to
// skip before a page. Its own index answers it in order, a page at a time.
export class Migration20261205000500_devices_filter_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create index `devices_org_protection_platform_name` on `devices` (`organization_id`, `protection`, `platform`, `name_key`, `id`);',
    );
  }
}

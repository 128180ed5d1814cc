import { Migration } from '@mikro-orm/migrations';

// An organization's people list sorts by name, email, role or last sign-in
// and pages by (sort key, id): one index per order, each starting with the
// organization so a page reads 26 index entries, not the organization's rows.
export class Migration20261204000100_people_list extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index if exists `people_organization_id_name_index`;');
    this.addSql('create index `people_org_name_index` on `people` (`organization_id`, `name`, `id`);');
    this.addSql('create index `people_org_email_index` on `people` (`organization_id`, `email`, `id`);');
    this.addSql('create index `people_org_role_index` on `people` (`organization_id`, `role`, `id`);');
    this.addSql(
      'create index `people_org_last_sign_in_index` on `people` (`organization_id`, coalesce(`last_sign_in_at`, 0), `id`);',
    );
  }
}

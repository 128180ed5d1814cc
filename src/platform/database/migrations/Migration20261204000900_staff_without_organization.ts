import { Migration } from '@mikro-orm/migrations';

// Staff (operators, helpdesk) serve every organization and belong to none:
// setup used to put the first operator in the organization it created. The
// organization stays, as the install's first customer organization.
// Organizations can be suspended: their people cannot sign in meanwhile.
export class Migration20261204000900_staff_without_organization extends Migration {
  override async up(): Promise<void> {
    this.addSql(`update \`people\` set \`organization_id\` = null where \`role\` in ('operator', 'helpdesk');`);
    this.addSql('alter table `organizations` add column `suspended_at` datetime null;');
  }
}

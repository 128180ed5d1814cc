import { Migration } from '@mikro-orm/migrations';

export class Migration20261126000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`organizations\` (
      \`id\` text not null primary key,
      \`created_at\` datetime not null,
      \`updated_at\` datetime not null,
      \`name\` text not null collate nocase
    );`);
    this.addSql('create unique index `organizations_name_unique` on `organizations` (`name` collate nocase);');

    this.addSql(`create table \`people\` (
      \`id\` text not null primary key,
      \`created_at\` datetime not null,
      \`updated_at\` datetime not null,
      \`organization_id\` text null references \`organizations\` (\`id\`) on delete restrict on update cascade,
      \`email\` text not null,
      \`name\` text not null,
      \`password_hash\` text not null,
      \`role\` text check (\`role\` in ('operator', 'helpdesk', 'admin', 'member')) not null,
      \`status\` text check (\`status\` in ('active', 'disabled')) not null default 'active',
      \`last_sign_in_at\` datetime null
    );`);
    this.addSql('create unique index `people_email_unique` on `people` (`email`);');
    this.addSql('create index `people_organization_id_name_index` on `people` (`organization_id`, `name`);');
    this.addSql('create index `people_role_index` on `people` (`role`);');

    this.addSql(`create table \`sessions\` (
      \`id\` text not null primary key,
      \`person_id\` text not null references \`people\` (\`id\`) on delete cascade on update cascade,
      \`created_at\` datetime not null,
      \`last_seen_at\` datetime not null,
      \`expires_at\` datetime not null,
      \`ip_address\` text null,
      \`user_agent\` text null,
      \`ended_at\` datetime null,
      \`end_reason\` text null
    );`);
    this.addSql('create index `sessions_person_id_index` on `sessions` (`person_id`);');
  }
}

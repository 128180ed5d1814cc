import { Migration } from '@mikro-orm/migrations';

// Installers operators upload per product, platform and version: the file
// lives under ${DATA_DIR}/uploads by a name the server chose (stored_name),
// the client's name is kept only as the download's file name. At most one
// release per product and platform is current (a partial unique index), and
// a withdrawn release is never current.
export class Migration20261205000400_downloads extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`releases\` (
      \`id\` text not null primary key,
      \`product_id\` text not null references \`products\` (\`id\`),
      \`platform\` text not null check (\`platform\` in ('windows', 'macos', 'android', 'ios')),
      \`version\` text not null,
      \`file_name\` text not null,
      \`stored_name\` text not null,
      \`size\` integer not null check (\`size\` >= 0),
      \`sha256\` text not null check (length(\`sha256\`) = 64),
      \`notes\` text not null default '',
      \`current\` integer not null default 0 check (\`current\` in (0, 1)),
      \`withdrawn_at\` integer null,
      \`uploaded_by\` text null references \`people\` (\`id\`) on delete set null,
      \`created_at\` integer not null,
      check (\`current\` = 0 or \`withdrawn_at\` is null)
    );`);
    this.addSql(
      'create unique index `releases_product_platform_version_unique` on `releases` (`product_id`, `platform`, `version`);',
    );
    this.addSql(
      'create unique index `releases_current_unique` on `releases` (`product_id`, `platform`) where `current` = 1;',
    );
    this.addSql(
      'create index `releases_product_platform_created` on `releases` (`product_id`, `platform`, `created_at`);',
    );
    this.addSql('create unique index `releases_stored_name_unique` on `releases` (`stored_name`);');
  }
}

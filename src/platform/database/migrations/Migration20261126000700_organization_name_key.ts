import { Migration } from '@mikro-orm/migrations';

// Frozen copy of the rule as it stood when this migration was written (a
// migration never imports live module code): NFKC, then case-folded.
function organizationNameKey(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

// Organization names were unique under COLLATE NOCASE, which folds ASCII
// only: "Äpfel" and "äpfel" could both exist. The key is the name folded in
// every script (organizationNameKey), unique; searches match it too. Names
// that already collide keep their rows: the later ones get a key naming their
// id, so an operator can rename them, and nothing fails to start.
export class Migration20261126000700_organization_name_key extends Migration {
  override async up(): Promise<void> {
    await this.execute("alter table `organizations` add column `name_key` text not null default ''");
    const rows = (await this.execute('select `id`, `name` from `organizations` order by `created_at`, `id`')) as {
      id: string;
      name: string;
    }[];
    const seen = new Set<string>();
    for (const row of rows) {
      let key = organizationNameKey(row.name);
      if (seen.has(key)) key = `${key}#${row.id}`;
      seen.add(key);
      await this.execute('update `organizations` set `name_key` = ? where `id` = ?', [key, row.id]);
    }
    this.addSql('create unique index `organizations_name_key_unique` on `organizations` (`name_key`);');
    this.addSql('drop index `organizations_name_unique`;');
    this.addSql('create index `organizations_name_index` on `organizations` (`name` collate nocase, `id`);');
  }
}

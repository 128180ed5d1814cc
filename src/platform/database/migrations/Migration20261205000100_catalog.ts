import { Migration } from '@mikro-orm/migrations';

// The product catalog (operators): products with the platforms their agent
// runs on and its current version, plans (edition, seats, term, price per
// seat in minor units with the currency beside it), and the upgrade paths
// between plans.
export class Migration20261205000100_catalog extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`products\` (
      \`id\` text not null primary key,
      \`sku\` text not null,
      \`name\` text not null,
      \`platforms\` text not null,
      \`agent_version\` text not null,
      \`created_at\` integer not null,
      \`updated_at\` integer not null
    );`);
    this.addSql('create unique index `products_sku_unique` on `products` (`sku`);');
    this.addSql(`create table \`plans\` (
      \`id\` text not null primary key,
      \`product_id\` text not null references \`products\` (\`id\`),
      \`edition\` text not null,
      \`seats\` integer not null check (\`seats\` between 1 and 100000),
      \`term_months\` integer not null check (\`term_months\` between 1 and 60),
      \`price_per_seat_minor\` integer not null check (\`price_per_seat_minor\` >= 0),
      \`currency\` text not null check (length(\`currency\`) = 3),
      \`created_at\` integer not null,
      \`updated_at\` integer not null
    );`);
    this.addSql(
      'create unique index `plans_product_edition_term_unique` on `plans` (`product_id`, `edition`, `term_months`);',
    );
    this.addSql(`create table \`plan_upgrades\` (
      \`from_plan_id\` text not null references \`plans\` (\`id\`) on delete cascade,
      \`to_plan_id\` text not null references \`plans\` (\`id\`) on delete cascade,
      primary key (\`from_plan_id\`, \`to_plan_id\`),
      check (\`from_plan_id\` <> \`to_plan_id\`)
    );`);
    this.addSql('create index `plan_upgrades_to` on `plan_upgrades` (`to_plan_id`);');
  }
}

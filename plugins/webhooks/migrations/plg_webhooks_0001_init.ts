import { Migration } from '@mikro-orm/migrations';

// Endpoints, and the outbox of deliveries (one row per event and endpoint).
export class PlgWebhooks0001Init extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`plg_webhooks_endpoints\` (
      \`id\` text not null primary key,
      \`url\` text not null,
      \`events\` json not null,
      \`enabled\` integer not null default 1,
      \`secret_sealed\` text not null,
      \`created_at\` datetime not null,
      \`updated_at\` datetime not null
    );`);
    this.addSql('create index `plg_webhooks_endpoints_url_id_index` on `plg_webhooks_endpoints` (`url`, `id`);');

    this.addSql(`create table \`plg_webhooks_deliveries\` (
      \`seq\` integer not null primary key autoincrement,
      \`id\` text not null,
      \`endpoint_id\` text not null references \`plg_webhooks_endpoints\` (\`id\`) on delete cascade,
      \`event_id\` text not null,
      \`event\` text not null,
      \`body\` text not null,
      \`status\` text not null check (\`status\` in ('pending', 'sending', 'delivered', 'failed')),
      \`attempts\` integer not null default 0,
      \`next_attempt_at\` integer not null,
      \`last_attempt_at\` integer null,
      \`response_status\` integer null,
      \`last_error\` text null,
      \`created_at\` integer not null,
      \`delivered_at\` integer null,
      \`redelivery_of\` text null
    );`);
    this.addSql('create unique index `plg_webhooks_deliveries_id_unique` on `plg_webhooks_deliveries` (`id`);');
    // The claim: due rows by status and time. The log: an endpoint's rows, newest first.
    this.addSql(
      'create index `plg_webhooks_deliveries_status_next_index` on `plg_webhooks_deliveries` (`status`, `next_attempt_at`);',
    );
    this.addSql(
      'create index `plg_webhooks_deliveries_endpoint_seq_index` on `plg_webhooks_deliveries` (`endpoint_id`, `seq`);',
    );
  }
}

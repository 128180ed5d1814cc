import { Migration } from '@mikro-orm/migrations';

// The endpoint list pages by (created_at, id) instead of (url, id): a page's
// cursor is in its links, and an address may hold a password.
export class PlgWebhooks0002ListByCreation extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index if exists `plg_webhooks_endpoints_url_id_index`;');
    this.addSql(
      'create index `plg_webhooks_endpoints_created_id_index` on `plg_webhooks_endpoints` (`created_at`, `id`);',
    );
  }
}

import { Migration } from '@mikro-orm/migrations';

// Renewals: /admin/renewals lists active licenses that renew (auto-renew on)
// or lapse (off) within a window, by expiry; and the licenses still in use
// (active or in grace), by expiry, whose reminders come due in a window.
export class Migration20261206000300_renewals_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create index `licenses_status_auto_renew_expiry` on `licenses` (`status`, `auto_renew`, `expires_at`, `id`);',
    );
    this.addSql(
      "create index `licenses_in_use_expiry` on `licenses` (`expires_at`, `id`) where `status` in ('active', 'grace');",
    );
  }
}

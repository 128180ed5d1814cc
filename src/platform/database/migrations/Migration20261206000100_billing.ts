import { Migration } from '@mikro-orm/migrations';

// Billing: an organization's billing details (one row each), its payment
// methods (a card is kept as brand, last four digits, expiry and holder only),
// the install's seller details and tax rate per country, orders (a quote the
// admin confirms, or an auto-renewal), invoices and credit notes (numbered
// gap-free per series and year by invoice_counters, in the transaction that
// issues them; seller, buyer and lines kept as they were at issue), and
// payments. Money is integer minor units with the currency beside it.
export class Migration20261206000100_billing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`billing_profiles\` (
      \`organization_id\` text not null primary key references \`organizations\` (\`id\`) on delete cascade,
      \`company_name\` text not null default '',
      \`address_line1\` text not null default '',
      \`address_line2\` text not null default '',
      \`city\` text not null default '',
      \`postal_code\` text not null default '',
      \`region\` text not null default '',
      \`country\` text null,
      \`tax_id\` text not null default '',
      \`po_reference\` text not null default '',
      \`billing_email\` text null,
      \`billing_email_confirmed_at\` integer null,
      \`pending_email\` text null,
      \`pending_email_digest\` text null,
      \`pending_email_expires_at\` integer null,
      \`updated_at\` integer not null
    );`);
    this.addSql(
      'create unique index `billing_profiles_pending_digest` on `billing_profiles` (`pending_email_digest`) where `pending_email_digest` is not null;',
    );
    this.addSql(`create table \`payment_methods\` (
      \`id\` text not null primary key,
      \`organization_id\` text not null references \`organizations\` (\`id\`) on delete cascade,
      \`brand\` text not null,
      \`last4\` text not null check (length(\`last4\`) = 4),
      \`exp_month\` integer not null check (\`exp_month\` between 1 and 12),
      \`exp_year\` integer not null,
      \`holder_name\` text not null,
      \`provider\` text not null,
      \`provider_ref\` text null,
      \`is_default\` integer not null default 0 check (\`is_default\` in (0, 1)),
      \`created_at\` integer not null,
      \`removed_at\` integer null
    );`);
    this.addSql(
      'create index `payment_methods_org` on `payment_methods` (`organization_id`, `removed_at`, `created_at`);',
    );
    this.addSql(
      'create unique index `payment_methods_one_default` on `payment_methods` (`organization_id`) where `is_default` = 1 and `removed_at` is null;',
    );
    this.addSql(`create table \`billing_settings\` (
      \`id\` integer not null primary key check (\`id\` = 1),
      \`seller_name\` text not null default '',
      \`seller_address\` text not null default '',
      \`seller_country\` text null,
      \`seller_tax_id\` text not null default '',
      \`seller_email\` text not null default '',
      \`payment_terms_days\` integer not null default 14 check (\`payment_terms_days\` between 0 and 120),
      \`updated_at\` integer not null
    );`);
    this.addSql(`create table \`tax_rates\` (
      \`country\` text not null primary key,
      \`rate_bp\` integer not null check (\`rate_bp\` between 0 and 10000),
      \`label\` text not null default '',
      \`updated_at\` integer not null
    );`);
    this.addSql(`create table \`orders\` (
      \`id\` text not null primary key,
      \`organization_id\` text not null references \`organizations\` (\`id\`) on delete cascade,
      \`license_id\` text not null references \`licenses\` (\`id\`),
      \`kind\` text not null check (\`kind\` in ('renew', 'upgrade', 'add_seats')),
      \`source\` text not null check (\`source\` in ('admin', 'auto_renew')),
      \`status\` text not null check (\`status\` in ('quoted', 'placed', 'failed')),
      \`term_key\` integer not null,
      \`currency\` text not null,
      \`subtotal_minor\` integer not null,
      \`tax_rate_bp\` integer not null,
      \`tax_minor\` integer not null,
      \`total_minor\` integer not null,
      \`lines\` text not null,
      \`change\` text not null,
      \`quoted_at\` integer not null,
      \`valid_until\` integer not null,
      \`placed_at\` integer null,
      \`placed_by\` text null,
      \`payment_method_id\` text null,
      \`invoice_id\` text null,
      \`failure\` text null
    );`);
    this.addSql('create index `orders_org_quoted` on `orders` (`organization_id`, `quoted_at`, `id`);');
    // One auto-renewal order per license and term: a second run (or a run after a crash) finds it.
    this.addSql(
      "create unique index `orders_auto_renew_term` on `orders` (`license_id`, `term_key`) where `source` = 'auto_renew';",
    );
    this.addSql(`create table \`invoice_counters\` (
      \`series\` text not null,
      \`year\` integer not null,
      \`last\` integer not null,
      primary key (\`series\`, \`year\`)
    );`);
    this.addSql(`create table \`invoices\` (
      \`id\` text not null primary key,
      \`number\` text not null,
      \`kind\` text not null check (\`kind\` in ('invoice', 'credit_note')),
      \`organization_id\` text not null references \`organizations\` (\`id\`) on delete cascade,
      \`order_id\` text null references \`orders\` (\`id\`),
      \`credits_invoice_id\` text null references \`invoices\` (\`id\`),
      \`issued_at\` integer not null,
      \`due_at\` integer not null,
      \`currency\` text not null,
      \`subtotal_minor\` integer not null,
      \`tax_rate_bp\` integer not null,
      \`tax_minor\` integer not null,
      \`total_minor\` integer not null,
      \`seller\` text not null,
      \`buyer\` text not null,
      \`lines\` text not null,
      \`status\` text not null check (\`status\` in ('open', 'paid', 'void')),
      \`paid_at\` integer null,
      \`voided_at\` integer null,
      \`void_reason\` text null
    );`);
    this.addSql('create unique index `invoices_number_unique` on `invoices` (`number`);');
    this.addSql('create index `invoices_org_issued` on `invoices` (`organization_id`, `issued_at`, `id`);');
    this.addSql('create index `invoices_issued` on `invoices` (`issued_at`, `id`);');
    this.addSql('create index `invoices_status_issued` on `invoices` (`status`, `issued_at`, `id`);');
    this.addSql(`create table \`payments\` (
      \`id\` text not null primary key,
      \`organization_id\` text not null references \`organizations\` (\`id\`) on delete cascade,
      \`invoice_id\` text not null references \`invoices\` (\`id\`),
      \`provider\` text not null,
      \`method_label\` text not null,
      \`amount_minor\` integer not null,
      \`currency\` text not null,
      \`status\` text not null check (\`status\` in ('pending', 'captured', 'failed', 'refunded')),
      \`provider_ref\` text null,
      \`failure\` text null,
      \`created_at\` integer not null
    );`);
    this.addSql('create index `payments_org_created` on `payments` (`organization_id`, `created_at`, `id`);');
    this.addSql('create index `payments_invoice` on `payments` (`invoice_id`);');
  }
}

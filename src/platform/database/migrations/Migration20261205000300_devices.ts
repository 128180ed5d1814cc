import { Migration } from '@mikro-orm/migrations';

// Devices: each holds one seat of a license of its organization. A device
// added by hand has no fingerprint or token until its agent activates. Its
// protection (protected, at risk, unprotected) and the reason are stored,
// kept current by activation, heartbeats, license changes and the
// devices.stale job, so lists filter on them through an index.
// device_summary counts devices per organization and protection, kept by
// triggers in the same transaction as every change, so a dashboard reads a
// few rows instead of counting the devices.
export class Migration20261205000300_devices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`devices\` (
      \`id\` text not null primary key,
      \`organization_id\` text not null references \`organizations\` (\`id\`),
      \`license_id\` text not null references \`licenses\` (\`id\`),
      \`product_id\` text not null references \`products\` (\`id\`),
      \`owner_id\` text null references \`people\` (\`id\`) on delete set null,
      \`name\` text not null,
      \`name_key\` text not null,
      \`platform\` text not null check (\`platform\` in ('windows', 'macos', 'android', 'ios')),
      \`fingerprint\` text null,
      \`token_digest\` text null,
      \`agent_version\` text null,
      \`signatures_version\` text null,
      \`last_seen_at\` integer null,
      \`activated_at\` integer null,
      \`protection\` text not null check (\`protection\` in ('protected', 'at_risk', 'unprotected')),
      \`protection_reason\` text not null,
      \`protection_changed_at\` integer not null,
      \`created_at\` integer not null,
      \`updated_at\` integer not null
    );`);
    this.addSql(
      'create unique index `devices_token_digest_unique` on `devices` (`token_digest`) where `token_digest` is not null;',
    );
    this.addSql(
      'create unique index `devices_license_fingerprint_unique` on `devices` (`license_id`, `fingerprint`) where `fingerprint` is not null;',
    );
    this.addSql('create index `devices_org_name` on `devices` (`organization_id`, `name_key`, `id`);');
    this.addSql(
      'create index `devices_org_protection_name` on `devices` (`organization_id`, `protection`, `name_key`, `id`);',
    );
    this.addSql(
      'create index `devices_org_platform_name` on `devices` (`organization_id`, `platform`, `name_key`, `id`);',
    );
    this.addSql('create index `devices_license_name` on `devices` (`license_id`, `name_key`, `id`);');
    this.addSql('create index `devices_owner_name` on `devices` (`owner_id`, `name_key`, `id`);');
    this.addSql('create index `devices_license_seen` on `devices` (`license_id`, `last_seen_at`);');
    this.addSql('create index `devices_license_activated` on `devices` (`license_id`, `activated_at`);');
    this.addSql('create index `devices_protection_seen` on `devices` (`protection`, `last_seen_at`);');
    this.addSql('create index `devices_product` on `devices` (`product_id`);');

    this.addSql(`create table \`device_summary\` (
      \`organization_id\` text not null,
      \`protection\` text not null,
      \`n\` integer not null default 0,
      primary key (\`organization_id\`, \`protection\`)
    );`);
    this.addSql(`create trigger \`devices_summary_insert\` after insert on \`devices\` begin
      insert into device_summary (organization_id, protection, n) values (new.organization_id, new.protection, 1)
        on conflict (organization_id, protection) do update set n = n + 1;
    end;`);
    this.addSql(`create trigger \`devices_summary_delete\` after delete on \`devices\` begin
      update device_summary set n = n - 1 where organization_id = old.organization_id and protection = old.protection;
    end;`);
    this
      .addSql(`create trigger \`devices_summary_update\` after update of \`protection\`, \`organization_id\` on \`devices\`
      when old.protection <> new.protection or old.organization_id <> new.organization_id begin
      update device_summary set n = n - 1 where organization_id = old.organization_id and protection = old.protection;
      insert into device_summary (organization_id, protection, n) values (new.organization_id, new.protection, 1)
        on conflict (organization_id, protection) do update set n = n + 1;
    end;`);
  }
}

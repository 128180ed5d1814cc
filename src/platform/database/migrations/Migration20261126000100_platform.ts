import { Migration } from '@mikro-orm/migrations';

// Jobs (runs and leases) and the tamper-evident audit log.
export class Migration20261126000100_platform extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`job_runs\` (
      \`id\` integer not null primary key autoincrement,
      \`name\` text not null,
      \`trigger\` text not null,
      \`started_at\` integer not null,
      \`finished_at\` integer null,
      \`outcome\` text not null,
      \`counts\` text null,
      \`error\` text null
    );`);
    this.addSql('create index `job_runs_name_id_index` on `job_runs` (`name`, `id`);');
    this.addSql(`create table \`job_leases\` (
      \`name\` text not null primary key,
      \`holder\` text not null,
      \`acquired_at\` integer not null,
      \`expires_at\` integer not null
    );`);

    this.addSql(`create table \`audit_entries\` (
      \`id\` integer not null primary key autoincrement,
      \`at\` integer not null,
      \`actor_type\` text not null check (\`actor_type\` in ('person', 'system', 'device')),
      \`actor_id\` text null,
      \`actor_label\` text not null,
      \`action\` text not null,
      \`target_type\` text null,
      \`target_id\` text null,
      \`target_label\` text null,
      \`organization_id\` text null,
      \`ip\` text null,
      \`user_agent\` text null,
      \`outcome\` text not null check (\`outcome\` in ('success', 'failure', 'denied')),
      \`details\` text null,
      \`prev_hash\` text not null,
      \`hash\` text not null
    );`);
    for (const columns of [
      ['at'],
      ['action', 'id'],
      ['actor_label', 'id'],
      ['actor_id', 'id'],
      ['target_id', 'id'],
      ['organization_id', 'id'],
      ['outcome', 'id'],
    ]) {
      this.addSql(
        `create index \`audit_entries_${columns.join('_')}_index\` on \`audit_entries\` (${columns.map((c) => `\`${c}\``).join(', ')});`,
      );
    }
    this.addSql(`create table \`audit_checkpoints\` (
      \`id\` integer not null primary key autoincrement,
      \`at\` integer not null,
      \`through_id\` integer not null,
      \`through_hash\` text not null,
      \`removed\` integer not null,
      \`hash\` text not null
    );`);
    // Only the retention job opens this gate, inside its own transaction.
    this.addSql(
      'create table `audit_gate` (`id` integer not null primary key check (`id` = 1), `retention_open` integer not null default 0);',
    );
    this.addSql('insert into `audit_gate` (`id`, `retention_open`) values (1, 0);');
    this.addSql(`create trigger \`audit_entries_no_update\` before update on \`audit_entries\`
      begin select raise(abort, 'audit entries are append-only'); end;`);
    this.addSql(`create trigger \`audit_entries_no_delete\` before delete on \`audit_entries\`
      when (select \`retention_open\` from \`audit_gate\` where \`id\` = 1) = 0
      begin select raise(abort, 'audit entries are append-only'); end;`);
    this.addSql(`create trigger \`audit_checkpoints_no_update\` before update on \`audit_checkpoints\`
      begin select raise(abort, 'audit checkpoints are append-only'); end;`);
    this.addSql(`create trigger \`audit_checkpoints_no_delete\` before delete on \`audit_checkpoints\`
      begin select raise(abort, 'audit checkpoints are append-only'); end;`);
  }
}

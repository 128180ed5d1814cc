import { Migration } from '@mikro-orm/migrations';

// people_summary counts people per status and two-factor (on or off), kept by
// triggers in the same transaction as every change, so the operators'
// dashboard reads two rows for two-factor coverage instead of counting people.
export class Migration20261205000700_people_summary extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`people_summary\` (
      \`status\` text not null,
      \`two_factor\` integer not null,
      \`n\` integer not null default 0,
      primary key (\`status\`, \`two_factor\`)
    );`);
    this.addSql(`insert into people_summary (status, two_factor, n)
      select status, totp_enabled_at is not null, count(*) from people group by 1, 2;`);
    this.addSql(`create trigger \`people_summary_insert\` after insert on \`people\` begin
      insert into people_summary (status, two_factor, n) values (new.status, new.totp_enabled_at is not null, 1)
        on conflict (status, two_factor) do update set n = n + 1;
    end;`);
    this.addSql(`create trigger \`people_summary_delete\` after delete on \`people\` begin
      update people_summary set n = n - 1 where status = old.status and two_factor = (old.totp_enabled_at is not null);
    end;`);
    this.addSql(`create trigger \`people_summary_update\` after update of \`status\`, \`totp_enabled_at\` on \`people\`
      when old.status <> new.status or (old.totp_enabled_at is null) <> (new.totp_enabled_at is null) begin
      update people_summary set n = n - 1 where status = old.status and two_factor = (old.totp_enabled_at is not null);
      insert into people_summary (status, two_factor, n) values (new.status, new.totp_enabled_at is not null, 1)
        on conflict (status, two_factor) do update set n = n + 1;
    end;`);
  }
}

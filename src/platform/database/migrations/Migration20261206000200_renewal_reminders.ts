import { Migration } from '@mikro-orm/migrations';

// Renewal reminders: license_reminders is the ledger of stages sent (or passed
// over) per license and term (the term is named by its expiry), so a stage
// goes out once however often, late or concurrently the job runs: the ledger
// row and the queued mail commit together. A license's reminders can be
// snoozed until a time; a person can opt out of reminder mail.
export class Migration20261206000200_renewal_reminders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`license_reminders\` (
      \`license_id\` text not null references \`licenses\` (\`id\`) on delete cascade,
      \`term_expires_at\` integer not null,
      \`stage\` text not null,
      \`sent_at\` integer not null,
      \`outcome\` text not null check (\`outcome\` in ('sent', 'skipped')),
      \`recipients\` integer not null default 0,
      primary key (\`license_id\`, \`term_expires_at\`, \`stage\`)
    );`);
    this.addSql('alter table `licenses` add column `reminders_snoozed_until` integer null;');
    this.addSql(`create table \`reminder_opt_outs\` (
      \`person_id\` text not null primary key references \`people\` (\`id\`) on delete cascade,
      \`at\` integer not null
    );`);
  }
}

import { Migration } from '@mikro-orm/migrations';

// One entry per previous hash: two writers (two processes, or overlapping
// calls) that read the same chain end cannot both append after it, so the
// chain cannot fork. The genesis hash ('') is covered too: the chain starts
// once, and after retention removes every entry the next one links to the
// checkpoint, not to ''.
//
// A log written before this fix may already hold a fork (two entries with the
// same previous hash, '' included), and then the index could not be built.
// Those entries cannot be rewritten (they are signed and append-only; verify
// keeps reporting the fork), so the index leaves out every entry up to the
// newest one that shares its previous hash: on a log that never forked, none.
// Every entry appended from now on is covered, so two racing appends after
// the same entry are refused either way.
export class Migration20261126000600_audit_chain extends Migration {
  override async up(): Promise<void> {
    const [row] = await this.execute(
      `select coalesce(max(\`id\`), 0) as \`through\` from \`audit_entries\`
        where \`prev_hash\` in (select \`prev_hash\` from \`audit_entries\` group by \`prev_hash\` having count(*) > 1)`,
    );
    const through = Number((row as { through: number } | undefined)?.through ?? 0);
    if (!Number.isSafeInteger(through) || through < 0) throw new Error(`Unexpected audit entry id ${through}`);
    this.addSql(
      `create unique index \`audit_entries_prev_hash_unique\` on \`audit_entries\` (\`prev_hash\`) where \`id\` > ${through};`,
    );
  }
}

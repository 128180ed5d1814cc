import { Migration } from '@mikro-orm/migrations';

// The audit log's combined filters, so a filtered page reads one page of
// index entries at any table size: an actor's entries of one action, one
// action's failures or denials, and an organization's entries of one action
// or outcome (org admins always filter by their organization).
export class Migration20261126000300_audit_indexes extends Migration {
  override async up(): Promise<void> {
    for (const columns of [
      ['actor_label', 'action', 'id'],
      ['action', 'outcome', 'id'],
      ['organization_id', 'action', 'id'],
      ['organization_id', 'outcome', 'id'],
    ]) {
      this.addSql(
        `create index \`audit_entries_${columns.join('_')}_index\` on \`audit_entries\` (${columns.map((c) => `\`${c}\``).join(', ')});`,
      );
    }
  }
}

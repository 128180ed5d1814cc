import { Migration } from '@mikro-orm/migrations';

// Every mail carries its recipient's anti-phishing phrase, looked up by the
// address: the sign-in email has its unique index; this one serves mail sent
// to a backup address (only the few people who set one are in it).
export class Migration20261126000500_backup_email_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create index `people_backup_email_index` on `people` (`backup_email`) where `backup_email` is not null;',
    );
  }
}

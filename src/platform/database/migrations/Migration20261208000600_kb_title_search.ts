import { Migration } from '@mikro-orm/migrations';

// kb_title_search: an FTS5 index of the articles' titles alone (external
// content over kb_articles, kept by triggers like kb_search). A search keeps
// the newest title matches among the articles it ranks (ADR 0009); finding
// them in kb_search would read the position list of every article having the
// word anywhere, to check the column, where this index holds title words only.
export class Migration20261208000600_kb_title_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create virtual table \`kb_title_search\` using fts5(title, content='kb_articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4 5 6');`,
    );
    this.addSql(`create trigger \`kb_title_search_after_insert\` after insert on \`kb_articles\` begin
      insert into \`kb_title_search\` (rowid, title) values (new.rowid, new.title);
    end;`);
    this.addSql(`create trigger \`kb_title_search_after_delete\` after delete on \`kb_articles\` begin
      insert into \`kb_title_search\` (\`kb_title_search\`, rowid, title) values ('delete', old.rowid, old.title);
    end;`);
    this.addSql(`create trigger \`kb_title_search_after_update\` after update of title on \`kb_articles\` begin
      insert into \`kb_title_search\` (\`kb_title_search\`, rowid, title) values ('delete', old.rowid, old.title);
      insert into \`kb_title_search\` (rowid, title) values (new.rowid, new.title);
    end;`);
    this.addSql("insert into `kb_title_search` (`kb_title_search`) values ('rebuild');");
  }
}

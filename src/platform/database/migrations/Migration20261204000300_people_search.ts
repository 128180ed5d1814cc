import { Migration } from '@mikro-orm/migrations';

// Finding a person across every organization (the helpdesk's search) by the
// words of their name or address without reading the people table: an FTS5
// index over `people.name` and `people.email` (external content: the index
// holds only the words, keyed by the row's rowid), kept current by triggers.
// Prefix indexes for 1 to 3 characters answer a short prefix from one doclist.
// The rowid is stable: the app never VACUUMs and backups use SQLite's backup
// API, which copies pages. A migration that rebuilds `people` (create, copy,
// drop, rename) must create these triggers again and run
// `insert into people_search(people_search) values ('rebuild')`.
// See docs/adr/0005-people-search.md.
export class Migration20261204000300_people_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create virtual table \`people_search\` using fts5(name, email, content='people', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');`,
    );
    this.addSql(`insert into \`people_search\` (\`people_search\`) values ('rebuild');`);
    this.addSql(`create trigger \`people_search_after_insert\` after insert on \`people\` begin
      insert into \`people_search\` (rowid, name, email) values (new.rowid, new.name, new.email);
    end;`);
    this.addSql(`create trigger \`people_search_after_delete\` after delete on \`people\` begin
      insert into \`people_search\` (\`people_search\`, rowid, name, email) values ('delete', old.rowid, old.name, old.email);
    end;`);
    this.addSql(`create trigger \`people_search_after_update\` after update of name, email on \`people\` begin
      insert into \`people_search\` (\`people_search\`, rowid, name, email) values ('delete', old.rowid, old.name, old.email);
      insert into \`people_search\` (rowid, name, email) values (new.rowid, new.name, new.email);
    end;`);
  }
}

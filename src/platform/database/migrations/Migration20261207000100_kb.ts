import { Migration } from '@mikro-orm/migrations';

// The knowledge base: articles (Markdown body, one of a fixed list of
// categories, public or internal, draft or published), every save kept as a
// numbered revision, and "was this helpful?" votes (one per article and
// visitor; the counts on the article are kept by a trigger in the same
// statement).
//
// kb_search is an FTS5 index over the articles' title and body with external
// content (content='kb_articles'): the index holds only the words, keyed by
// the article's rowid; snippet() reads the text back from kb_articles.
// Triggers keep it current. Prefix indexes for 1 to 3 characters answer a
// short prefix from one doclist. A migration that rebuilds kb_articles must
// create these triggers again and run
// `insert into kb_search(kb_search) values ('rebuild')`.
export class Migration20261207000100_kb extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`kb_articles\` (
      \`id\` text not null primary key,
      \`slug\` text not null,
      \`title\` text not null,
      \`category\` text not null check (\`category\` in ('sign-in', 'two-factor', 'installing', 'licenses', 'devices', 'billing')),
      \`body\` text not null default '',
      \`visibility\` text not null check (\`visibility\` in ('public', 'internal')),
      \`status\` text not null check (\`status\` in ('draft', 'published')),
      \`revision\` integer not null default 1,
      \`author_id\` text null references \`people\` (\`id\`) on delete set null,
      \`updated_by\` text null references \`people\` (\`id\`) on delete set null,
      \`created_at\` integer not null,
      \`updated_at\` integer not null,
      \`published_at\` integer null,
      \`helpful_yes\` integer not null default 0,
      \`helpful_no\` integer not null default 0
    );`);
    this.addSql('create unique index `kb_articles_slug_unique` on `kb_articles` (`slug`);');
    this.addSql('create index `kb_articles_updated` on `kb_articles` (`updated_at`, `id`);');
    this.addSql('create index `kb_articles_status_updated` on `kb_articles` (`status`, `updated_at`, `id`);');
    this.addSql('create index `kb_articles_visibility_updated` on `kb_articles` (`visibility`, `updated_at`, `id`);');
    this.addSql(
      'create index `kb_articles_status_visibility_updated` on `kb_articles` (`status`, `visibility`, `updated_at`, `id`);',
    );
    this.addSql('create index `kb_articles_category_title` on `kb_articles` (`category`, `title`);');

    this.addSql(`create table \`kb_revisions\` (
      \`article_id\` text not null references \`kb_articles\` (\`id\`) on delete cascade,
      \`number\` integer not null,
      \`title\` text not null,
      \`body\` text not null,
      \`author_id\` text null references \`people\` (\`id\`) on delete set null,
      \`created_at\` integer not null,
      primary key (\`article_id\`, \`number\`)
    );`);

    this.addSql(`create table \`kb_votes\` (
      \`article_id\` text not null references \`kb_articles\` (\`id\`) on delete cascade,
      \`voter\` text not null,
      \`helpful\` integer not null check (\`helpful\` in (0, 1)),
      \`created_at\` integer not null,
      primary key (\`article_id\`, \`voter\`)
    );`);
    this.addSql(`create trigger \`kb_votes_after_insert\` after insert on \`kb_votes\` begin
      update \`kb_articles\` set \`helpful_yes\` = \`helpful_yes\` + new.helpful, \`helpful_no\` = \`helpful_no\` + (1 - new.helpful)
        where \`id\` = new.article_id;
    end;`);

    this.addSql(
      `create virtual table \`kb_search\` using fts5(title, body, content='kb_articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');`,
    );
    this.addSql(`create trigger \`kb_search_after_insert\` after insert on \`kb_articles\` begin
      insert into \`kb_search\` (rowid, title, body) values (new.rowid, new.title, new.body);
    end;`);
    this.addSql(`create trigger \`kb_search_after_delete\` after delete on \`kb_articles\` begin
      insert into \`kb_search\` (\`kb_search\`, rowid, title, body) values ('delete', old.rowid, old.title, old.body);
    end;`);
    this.addSql(`create trigger \`kb_search_after_update\` after update of title, body on \`kb_articles\` begin
      insert into \`kb_search\` (\`kb_search\`, rowid, title, body) values ('delete', old.rowid, old.title, old.body);
      insert into \`kb_search\` (rowid, title, body) values (new.rowid, new.title, new.body);
    end;`);
  }
}

import { Injectable } from '@nestjs/common';
import { keysetClause, type PageRequest } from '../../common/pagination';
import { placeholders, Sql } from '../../platform/database/sql';

export type KbCategory = 'sign-in' | 'two-factor' | 'installing' | 'licenses' | 'devices' | 'billing';
export type KbVisibility = 'public' | 'internal';
export type KbStatus = 'draft' | 'published';

export interface ArticleRow {
  id: string;
  slug: string;
  title: string;
  category: KbCategory;
  /** Markdown source. */
  body: string;
  visibility: KbVisibility;
  status: KbStatus;
  revision: number;
  authorId: string | null;
  updatedBy: string | null;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  helpfulYes: number;
  helpfulNo: number;
}

/** An article in a list: without its body. */
export type ArticleListRow = Omit<ArticleRow, 'body'>;

export interface RevisionRow {
  articleId: string;
  number: number;
  title: string;
  body: string;
  authorId: string | null;
  createdAt: number;
}

/** A search hit: its snippet has the matched words between \u0002 and \u0003, nothing else marked or escaped. */
export interface ArticleHit {
  id: string;
  slug: string;
  title: string;
  category: KbCategory;
  visibility: KbVisibility;
  snippet: string;
}

/** Which articles a reader may find: published ones of these visibilities. */
export interface ReaderScope {
  visibilities: readonly KbVisibility[];
}

export const SNIPPET_START = '\u0002';
export const SNIPPET_END = '\u0003';

const LIST_COLUMNS = `id, slug, title, category, visibility, status, revision, author_id as authorId,
  updated_by as updatedBy, created_at as createdAt, updated_at as updatedAt, published_at as publishedAt,
  helpful_yes as helpfulYes, helpful_no as helpfulNo`;
const ARTICLE = `select ${LIST_COLUMNS}, body from kb_articles`;

/**
 * How many matches a search ranks at most: 8 for each result asked for, 40 to
 * 200. bm25 needs every ranked match's word positions and each highlighted
 * snippet its article's text, so ranking and snippeting all matches costs in
 * proportion to how many articles have the word (70 ms a search for a word 9
 * articles in 10 have, at 10,000 articles). A search ranks the newest
 * candidates instead (and the newest matching in the title), whatever the
 * knowledge base's size, and the snippets
 * are cut from the shown articles only (KbService). See ADR 0009.
 */
export const SEARCH_CANDIDATES = { perResult: 8, min: 40, max: 200 } as const;
const candidatesFor = (limit: number) =>
  Math.min(SEARCH_CANDIDATES.max, Math.max(SEARCH_CANDIDATES.min, SEARCH_CANDIDATES.perResult * limit));

/** A search match before its snippet is cut: the article's Markdown. */
export type ArticleMatch = Omit<ArticleHit, 'snippet'> & { body: string };

/** A search as FTS5 queries: over titles and bodies (kb_search), and over titles alone (kb_title_search). */
export interface KbMatch {
  match: string;
  titleMatch: string;
}

/**
 * The search's SQL (also timed by bench/kb-search.bench.ts). Candidates are
 * the newest matches among the published articles the reader may see (FTS5
 * walks kb_search newest first and stops there), ranked by bm25 (a word in
 * the title weighing ten times one in the body); ahead of them, the newest
 * articles whose title alone matches (kb_title_search), ranked by their
 * title's bm25: so the guide named for the words is found however many newer
 * articles mention them. The bodies of the best `limit` only.
 */
export function kbSearchQuery(
  query: KbMatch,
  scope: ReaderScope,
  limit: number,
  excludeId?: string,
): { sql: string; params: unknown[] } {
  const readable = `a.status = 'published' and a.visibility in (${placeholders(scope.visibilities.length)})${
    excludeId ? ' and a.id <> ?' : ''
  }`;
  const readableParams = [...scope.visibilities, ...(excludeId ? [excludeId] : [])];
  const newest = (tier: number, index: string, rank: string) => `select ${tier} as tier, * from (
       select a.rowid as rid, a.id, a.slug, a.title, a.category, a.visibility, ${rank} as score
       from ${index} s join kb_articles a on a.rowid = s.rowid
       where ${index} match ? and ${readable} order by s.rowid desc limit ?)`;
  const candidates = candidatesFor(limit);
  return {
    // min(tier) keeps, for an article in both, the columns of its title-match row (SQLite's bare columns).
    sql: `select c.id, c.slug, c.title, c.category, c.visibility,
         (select body from kb_articles where rowid = c.rid) as body
       from (select rid, id, slug, title, category, visibility, min(tier) as tier, score
             from (${newest(0, 'kb_title_search', 'bm25(kb_title_search)')}
                   union all ${newest(1, 'kb_search', 'bm25(kb_search, 10.0, 1.0)')})
             group by rid) c
       order by c.tier, c.score, c.id limit ?`,
    params: [query.titleMatch, ...readableParams, candidates, query.match, ...readableParams, candidates, limit],
  };
}

/** The knowledge base's tables (kb_articles, kb_revisions, kb_votes, kb_search, kb_title_search): plain rows through `Sql`. */
@Injectable()
export class KbRepository {
  constructor(private readonly sql: Sql) {}

  byId(id: string): Promise<ArticleRow | undefined> {
    return this.sql.get<ArticleRow>(`${ARTICLE} where id = ?`, [id]);
  }

  bySlug(slug: string): Promise<ArticleRow | undefined> {
    return this.sql.get<ArticleRow>(`${ARTICLE} where slug = ?`, [slug]);
  }

  /** The slugs taken among `base` and `base-2`, `base-3`, … */
  async slugsLike(base: string): Promise<string[]> {
    const rows = await this.sql.all<{ slug: string }>(
      `select slug from kb_articles where slug = ? or (slug >= ? and slug < ?)`,
      [base, `${base}-`, `${base}.`],
    );
    return rows.map((row) => row.slug);
  }

  async insert(row: ArticleRow): Promise<void> {
    await this.sql.run(
      `insert into kb_articles (id, slug, title, category, body, visibility, status, revision, author_id, updated_by,
         created_at, updated_at, published_at, helpful_yes, helpful_no)
       values (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 0, 0)`,
      [
        row.id,
        row.slug,
        row.title,
        row.category,
        row.body,
        row.visibility,
        row.status,
        row.authorId,
        row.updatedBy,
        row.createdAt,
        row.updatedAt,
        row.publishedAt,
      ],
    );
  }

  /** Saves the article's new text and settings as the next revision; the new revision number. */
  async update(
    id: string,
    change: Pick<ArticleRow, 'title' | 'category' | 'body' | 'visibility' | 'status' | 'updatedBy' | 'updatedAt'>,
  ): Promise<number | undefined> {
    const row = await this.sql.get<{ revision: number }>(
      `update kb_articles set title = ?, category = ?, body = ?, visibility = ?, status = ?, updated_by = ?,
         updated_at = ?, revision = revision + 1,
         published_at = case when ? = 'published' then coalesce(published_at, ?) else published_at end
       where id = ? returning revision`,
      [
        change.title,
        change.category,
        change.body,
        change.visibility,
        change.status,
        change.updatedBy,
        change.updatedAt,
        change.status,
        change.updatedAt,
        id,
      ],
    );
    return row?.revision;
  }

  async insertRevision(row: RevisionRow): Promise<void> {
    await this.sql.run(
      `insert into kb_revisions (article_id, number, title, body, author_id, created_at) values (?, ?, ?, ?, ?, ?)`,
      [row.articleId, row.number, row.title, row.body, row.authorId, row.createdAt],
    );
  }

  /** An article's revisions, newest first (without their bodies). */
  revisions(articleId: string): Promise<Omit<RevisionRow, 'body'>[]> {
    return this.sql.all(
      `select article_id as articleId, number, title, author_id as authorId, created_at as createdAt
       from kb_revisions where article_id = ? order by number desc`,
      [articleId],
    );
  }

  revision(articleId: string, number: number): Promise<RevisionRow | undefined> {
    return this.sql.get<RevisionRow>(
      `select article_id as articleId, number, title, body, author_id as authorId, created_at as createdAt
       from kb_revisions where article_id = ? and number = ?`,
      [articleId, number],
    );
  }

  /** One keyset page of every article, most recently updated first (limit + 1 rows). */
  list(filter: { status?: KbStatus; visibility?: KbVisibility }, request: PageRequest): Promise<ArticleListRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.visibility) {
      where.push('visibility = ?');
      params.push(filter.visibility);
    }
    const keyset = keysetClause(request, 'updated_at', 'id', 'desc');
    if (keyset.where) {
      where.push(keyset.where);
      params.push(...keyset.params);
    }
    return this.sql.all<ArticleListRow>(
      `select ${LIST_COLUMNS} from kb_articles ${where.length ? `where ${where.join(' and ')}` : ''}
       order by ${keyset.orderBy} limit ?`,
      [...params, request.limit + 1],
    );
  }

  /** The published articles a reader may see, by category and title (the index page without a search). */
  published(scope: ReaderScope, limit: number): Promise<ArticleListRow[]> {
    return this.sql.all<ArticleListRow>(
      `select ${LIST_COLUMNS} from kb_articles
       where status = 'published' and visibility in (${placeholders(scope.visibilities.length)})
       order by category, title limit ?`,
      [...scope.visibilities, limit],
    );
  }

  /** The published articles matching an FTS5 query, best first among the newest matches (kbSearchQuery). */
  search(query: KbMatch, scope: ReaderScope, limit: number, excludeId?: string): Promise<ArticleMatch[]> {
    const { sql, params } = kbSearchQuery(query, scope, limit, excludeId);
    return this.sql.all<ArticleMatch>(sql, params);
  }

  /** Published articles of a category the reader may see, other than one, by title. */
  sameCategory(category: KbCategory, scope: ReaderScope, excludeId: string, limit: number): Promise<ArticleListRow[]> {
    return this.sql.all<ArticleListRow>(
      `select ${LIST_COLUMNS} from kb_articles
       where category = ? and status = 'published' and id <> ?
         and visibility in (${placeholders(scope.visibilities.length)})
       order by title limit ?`,
      [category, excludeId, ...scope.visibilities, limit],
    );
  }

  /** Records a visitor's vote once; false when they had voted on this article already. */
  async vote(articleId: string, voter: string, helpful: boolean, now: number): Promise<boolean> {
    const result = await this.sql.run(
      `insert into kb_votes (article_id, voter, helpful, created_at) values (?, ?, ?, ?)
       on conflict (article_id, voter) do nothing`,
      [articleId, voter, helpful ? 1 : 0, now],
    );
    return result.changes === 1;
  }

  async hasVoted(articleId: string, voter: string): Promise<boolean> {
    return (
      (await this.sql.get(`select 1 from kb_votes where article_id = ? and voter = ?`, [articleId, voter])) !==
      undefined
    );
  }

  async count(): Promise<number> {
    return (await this.sql.get<{ n: number }>(`select count(*) as n from kb_articles`))!.n;
  }
}

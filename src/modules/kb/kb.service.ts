import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound, type FieldErrors } from '../../common/errors/app-error';
import type { Principal } from '../../common/http/principal';
import { toPage, type Page, type PageRequest } from '../../common/pagination';
import { AuditService } from '../../platform/audit/audit.service';
import { PeopleService } from '../people/people.service';
import {
  KbRepository,
  SNIPPET_END,
  SNIPPET_START,
  type ArticleHit,
  type ArticleMatch,
  type ArticleListRow,
  type ArticleRow,
  type KbCategory,
  type KbMatch,
  type KbStatus,
  type KbVisibility,
  type ReaderScope,
  type RevisionRow,
} from './kb.repository';

export type { ArticleHit, ArticleListRow, ArticleRow, KbCategory, KbStatus, KbVisibility, RevisionRow };
export { SNIPPET_END, SNIPPET_START };

export const KB_CATEGORIES: Record<KbCategory, string> = {
  'sign-in': 'Sign-in and passwords',
  'two-factor': 'Two-factor',
  installing: 'Installing',
  licenses: 'Licenses and renewals',
  devices: 'Devices',
  billing: 'Billing',
};
export const isCategory = (value: unknown): value is KbCategory =>
  typeof value === 'string' && Object.hasOwn(KB_CATEGORIES, value);
export const isVisibility = (value: unknown): value is KbVisibility => value === 'public' || value === 'internal';
export const isStatus = (value: unknown): value is KbStatus => value === 'draft' || value === 'published';

export interface ArticleInput {
  title?: string;
  body?: string;
  category?: string;
  visibility?: string;
  status?: string;
}

/** Who reads: nobody signed in, or a person (helpdesk and operators also read internal articles and drafts). */
export type Reader = Principal | undefined;

const MAX_TITLE = 200;
const MAX_BODY = 100_000;
const MAX_WORDS = 8;
const MAX_RESULTS = 50;
const INDEX_LIMIT = 500;
/** Slugs that name a route under /kb rather than an article. */
const RESERVED_SLUGS = new Set(['suggest']);

/** Whether the reader is staff who may see internal articles and drafts (helpdesk, operators). */
export function isKbStaff(reader: Reader): boolean {
  return (
    reader !== undefined && reader.stage === 'active' && (reader.role === 'helpdesk' || reader.role === 'operator')
  );
}

/** A title as the article's address: lower-case words of letters and digits joined by hyphens. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug === '' ? 'article' : slug;
}

/** The words of a search (letters and digits), at most MAX_WORDS. */
export function searchWords(text: string): string[] {
  return (text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
}

/** The words of a suggestion's text: words of one or two letters only when no longer word is typed. */
export function suggestWords(text: string): string[] {
  const typed = searchWords(text);
  return typed.some((w) => w.length > 2) ? typed.filter((w) => w.length > 2) : typed;
}

/**
 * How many letters of a word the search looks up: kb_search has prefix
 * indexes for 1 to 6 characters, and FTS5 answers a prefix of exactly such a
 * length from one doclist it may stop reading early; a longer prefix would
 * first merge every matching word's doclist (cost in proportion to how many
 * articles have it). "password" finds what "passwo" does.
 */
export const PREFIX_LETTERS = 6;

/** An FTS5 query matching articles with a word starting with each word (`all`) or any of them (first 6 letters). */
export function ftsPrefixQuery(words: readonly string[], join: 'all' | 'any'): string {
  return words
    .map((w) => `"${Array.from(w).slice(0, PREFIX_LETTERS).join('').replace(/"/g, '""')}"*`)
    .join(join === 'all' ? ' ' : ' OR ');
}

/**
 * A search's FTS5 queries: articles with each word (`all`) or any of them,
 * over titles and bodies, and the same over titles alone (kbSearchQuery).
 */
export function ftsSearch(words: readonly string[], join: 'all' | 'any'): KbMatch {
  const match = ftsPrefixQuery(words, join);
  return { match, titleMatch: match };
}

const SNIPPET_WORDS = 24;
const TOKEN = /[\p{L}\p{N}]+/gu;
const ASCII_TOKEN = /[A-Za-z0-9]+/g;
// Printable and control characters alike: only whether every code unit is below 128.
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
const fold = (text: string) =>
  ASCII.test(text) ? text.toLowerCase() : text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * A snippet of an article's text for the words searched, as FTS5's snippet()
 * cuts one: up to 24 words where the most distinct words searched are (a word
 * matches when it starts with a word searched, case and accents aside), each
 * match between SNIPPET_START and SNIPPET_END, "…" where text was left out;
 * the text's start when no word matches. Cut here, for the shown articles
 * only (the search ranks more articles than it shows).
 */
export function cutSnippet(text: string, words: readonly string[], size = SNIPPET_WORDS): string {
  const wanted = words.map(fold);
  const ascii = ASCII.test(text);
  // Lower-cased once; a token with other than ASCII letters is folded on its own (accents dropped).
  const lower = text.toLowerCase();
  const sameIndices = lower.length === text.length;
  const starts: number[] = [];
  const ends: number[] = [];
  const hits: number[] = [];
  // Plain ASCII text tokenizes with a cheaper pattern that finds the same words.
  const pattern = ascii ? ASCII_TOKEN : TOKEN;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const start = m.index;
    const end = pattern.lastIndex;
    const plain = ascii || (sameIndices && ASCII.test(m[0]));
    const folded = plain ? '' : fold(m[0]);
    let hit = -1;
    for (let w = 0; w < wanted.length && hit < 0; w++) {
      const word = wanted[w];
      if (plain ? end - start >= word.length && lower.startsWith(word, start) : folded.startsWith(word)) hit = w;
    }
    starts.push(start);
    ends.push(end);
    hits.push(hit);
  }
  const count = starts.length;
  if (count === 0) return '';
  let first = 0;
  let best = -1;
  for (let i = 0; i < count; i++) {
    if (hits[i] < 0) continue;
    // A little of what comes before the match, when there is room.
    const from = Math.max(0, Math.min(i - 2, count - size));
    // Distinct words as bits (searchWords keeps at most 8), then how many matches.
    let seen = 0;
    let distinct = 0;
    let n = 0;
    for (let j = from; j < Math.min(count, from + size); j++) {
      if (hits[j] < 0) continue;
      n++;
      if (!(seen & (1 << hits[j]))) {
        seen |= 1 << hits[j];
        distinct++;
      }
    }
    const score = distinct * 1000 + n;
    if (score > best) [best, first] = [score, from];
  }
  const last = Math.min(count, first + size);
  let out = first > 0 ? '…' : '';
  let at = starts[first];
  for (let i = first; i < last; i++) {
    out += text.slice(at, starts[i]);
    const token = text.slice(starts[i], ends[i]);
    out += hits[i] >= 0 ? `${SNIPPET_START}${token}${SNIPPET_END}` : token;
    at = ends[i];
  }
  return last < count ? `${out}…` : out;
}

/** A match as a hit: its body cut to a snippet for the words searched. */
const hitOf = ({ body, ...match }: ArticleMatch, words: readonly string[]): ArticleHit => ({
  ...match,
  snippet: cutSnippet(body, words),
});

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const replaceAll = (text: string, from: string, to: string) => text.split(from).join(to);

/** Text without the snippet's match marks (stored text never holds them: they are removed on save). */
export const stripMarkers = (text: string) => replaceAll(replaceAll(text, SNIPPET_START, ''), SNIPPET_END, '');

/**
 * A snippet as HTML: its text escaped, the matched words (and only those) in
 * <mark>. FTS5 opens and closes a mark around each match, and the articles'
 * text never holds the marks' characters, so the marks are balanced.
 */
export function snippetHtml(snippet: string): string {
  return replaceAll(replaceAll(escapeHtml(snippet), SNIPPET_START, '<mark>'), SNIPPET_END, '</mark>');
}

/**
 * The knowledge base: articles staff write in Markdown (public or internal,
 * draft or published, every save a revision), found by full-text search
 * (FTS5, ranked by bm25, prefix matching, highlighted snippets), with
 * "was this helpful?" counts.
 */
@Injectable()
export class KbService {
  constructor(
    private readonly em: EntityManager,
    private readonly articles: KbRepository,
    private readonly audit: AuditService,
    private readonly people: PeopleService,
    private readonly clock: Clock,
  ) {}

  private scope(reader: Reader): ReaderScope {
    return { visibilities: isKbStaff(reader) ? ['public', 'internal'] : ['public'] };
  }

  /** An article as the reader may see it; a draft or internal one they may not see does not exist. */
  async article(slug: string, reader: Reader): Promise<ArticleRow> {
    const article = await this.articles.bySlug(slug);
    if (!article) throw new NotFound('Article not found.');
    if (!isKbStaff(reader) && (article.status !== 'published' || article.visibility !== 'public')) {
      throw new NotFound('Article not found.');
    }
    return article;
  }

  /** An article by id, for staff editing it. */
  async byId(id: string): Promise<ArticleRow> {
    const article = await this.articles.byId(id);
    if (!article) throw new NotFound('Article not found.');
    return article;
  }

  /** The published articles the reader may see, by category and title. */
  published(reader: Reader): Promise<ArticleListRow[]> {
    return this.articles.published(this.scope(reader), INDEX_LIMIT);
  }

  /** Published articles matching every word typed (each as a prefix), best first. */
  async search(text: string, reader: Reader, limit = MAX_RESULTS): Promise<ArticleHit[]> {
    const words = searchWords(text);
    if (words.length === 0) return [];
    const found = await this.articles.search(ftsSearch(words, 'all'), this.scope(reader), Math.min(limit, MAX_RESULTS));
    return found.map((match) => hitOf(match, words));
  }

  /**
   * Published public articles for what a member is typing (a ticket's
   * subject): any word typed, each as a prefix, best first. Words of one or
   * two letters ("in", "my") are left out once a longer one is typed: nearly
   * every article has a word starting with them, so they find nothing in
   * particular and cost a pass over the whole index each.
   */
  async suggest(text: string, limit = 5): Promise<ArticleHit[]> {
    const words = suggestWords(text);
    if (words.length === 0) return [];
    const found = await this.articles.search(
      ftsSearch(words, 'any'),
      { visibilities: ['public'] },
      Math.min(limit, 20),
    );
    return found.map((match) => hitOf(match, words));
  }

  /** A few other articles for the reader: those sharing words of the title, then others of its category. */
  async related(article: ArticleRow, reader: Reader, limit = 3): Promise<Pick<ArticleListRow, 'slug' | 'title'>[]> {
    const scope = this.scope(reader);
    const words = searchWords(article.title).filter((w) => w.length > 2);
    const similar = words.length ? await this.articles.search(ftsSearch(words, 'any'), scope, limit, article.id) : [];
    const found = similar.map(({ slug, title }) => ({ slug, title }));
    if (found.length < limit) {
      for (const other of await this.articles.sameCategory(article.category, scope, article.id, limit)) {
        if (found.length >= limit) break;
        if (!found.some((f) => f.slug === other.slug)) found.push({ slug: other.slug, title: other.title });
      }
    }
    return found;
  }

  /** One page of every article for staff, most recently updated first. */
  async list(
    filter: { status?: KbStatus; visibility?: KbVisibility },
    request: PageRequest,
  ): Promise<Page<ArticleListRow>> {
    const rows = await this.articles.list(filter, request);
    return toPage(rows, request, (row) => [row.updatedAt, row.id]);
  }

  /** An article's revisions, newest first, each with the name of who saved it (when they still exist). */
  async revisions(
    id: string,
  ): Promise<{ article: ArticleRow; revisions: (Omit<RevisionRow, 'body'> & { authorName: string | null })[] }> {
    const article = await this.byId(id);
    const revisions = await this.articles.revisions(id);
    const names = new Map<string, string>();
    // The authors are a few staff: one lookup each.
    for (const authorId of new Set(revisions.map((r) => r.authorId))) {
      if (authorId === null) continue;
      const person = await this.people.findById(authorId);
      if (person) names.set(authorId, person.name);
    }
    return {
      article,
      revisions: revisions.map((r) => ({ ...r, authorName: r.authorId ? (names.get(r.authorId) ?? null) : null })),
    };
  }

  async revision(id: string, number: number): Promise<{ article: ArticleRow; revision: RevisionRow }> {
    const article = await this.byId(id);
    const revision = await this.articles.revision(id, number);
    if (!revision) throw new NotFound('Revision not found.');
    return { article, revision };
  }

  /** Writes a new article (revision 1), audited; published at once when its status says so. */
  async create(input: ArticleInput, authorId: string | null): Promise<ArticleRow> {
    const fields = this.validate(input);
    const now = +this.clock.now();
    return this.em.transactional(async () => {
      const row: ArticleRow = {
        id: randomUUID(),
        slug: await this.freeSlug(slugify(fields.title)),
        ...fields,
        revision: 1,
        authorId,
        updatedBy: authorId,
        createdAt: now,
        updatedAt: now,
        publishedAt: fields.status === 'published' ? now : null,
        helpfulYes: 0,
        helpfulNo: 0,
      };
      await this.articles.insert(row);
      await this.articles.insertRevision({
        articleId: row.id,
        number: 1,
        title: row.title,
        body: row.body,
        authorId,
        createdAt: now,
      });
      const target = { type: 'kb_article', id: row.id, label: row.title };
      await this.audit.record({
        action: 'kb.article_created',
        target,
        details: { slug: row.slug, visibility: row.visibility, status: row.status },
      });
      if (row.status === 'published') await this.audit.record({ action: 'kb.article_published', target });
      return row;
    });
  }

  /** Saves an article's changes as its next revision, audited (and its publication, when it is published now). */
  async update(id: string, input: ArticleInput, editorId: string | null): Promise<ArticleRow> {
    const fields = this.validate(input);
    const now = +this.clock.now();
    return this.em.transactional(async () => {
      const before = await this.byId(id);
      const number = await this.articles.update(id, { ...fields, updatedBy: editorId, updatedAt: now });
      if (number === undefined) throw new NotFound('Article not found.');
      await this.articles.insertRevision({
        articleId: id,
        number,
        title: fields.title,
        body: fields.body,
        authorId: editorId,
        createdAt: now,
      });
      const target = { type: 'kb_article', id, label: fields.title };
      await this.audit.record({
        action: 'kb.article_updated',
        target,
        details: { revision: number, visibility: fields.visibility, status: fields.status },
      });
      if (before.status !== 'published' && fields.status === 'published') {
        await this.audit.record({ action: 'kb.article_published', target });
      }
      return (await this.articles.byId(id))!;
    });
  }

  /**
   * Counts a "was this helpful?" answer once per visitor and article (a
   * second one changes nothing); false when the visitor had answered already.
   */
  async vote(slug: string, reader: Reader, voter: string, helpful: boolean): Promise<boolean> {
    const article = await this.article(slug, reader);
    return this.em.transactional(() => this.articles.vote(article.id, voter, helpful, +this.clock.now()));
  }

  hasVoted(articleId: string, voter: string): Promise<boolean> {
    return this.articles.hasVoted(articleId, voter);
  }

  /** Adds these articles (as published, by nobody) when the knowledge base is empty; how many were added. */
  async seedIfEmpty(articles: readonly Required<ArticleInput>[]): Promise<number> {
    if ((await this.articles.count()) > 0) return 0;
    for (const article of articles) await this.create(article, null);
    return articles.length;
  }

  private async freeSlug(base: string): Promise<string> {
    const taken = new Set(await this.articles.slugsLike(base));
    if (!taken.has(base) && !RESERVED_SLUGS.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  private validate(input: ArticleInput): Pick<ArticleRow, 'title' | 'body' | 'category' | 'visibility' | 'status'> {
    const errors: FieldErrors = {};
    const title = stripMarkers((input.title ?? '').trim());
    const body = stripMarkers((input.body ?? '').replace(/\r\n/g, '\n'));
    if (title === '') errors.title = 'Enter the title.';
    else if (title.length > MAX_TITLE) errors.title = `Keep the title under ${MAX_TITLE} characters.`;
    if (body.trim() === '') errors.body = 'Write the article.';
    else if (body.length > MAX_BODY) errors.body = `Keep the article under ${MAX_BODY} characters.`;
    if (!isCategory(input.category)) errors.category = 'Choose a category.';
    if (!isVisibility(input.visibility)) errors.visibility = 'Choose who may read it: everyone, or helpdesk only.';
    if (!isStatus(input.status)) errors.status = 'Choose draft or published.';
    if (
      Object.keys(errors).length > 0 ||
      !isCategory(input.category) ||
      !isVisibility(input.visibility) ||
      !isStatus(input.status)
    ) {
      throw new InputRefused(errors);
    }
    return { title, body, category: input.category, visibility: input.visibility, status: input.status };
  }
}

import { markdownRenderer } from '../../common/markdown';
import {
  KB_CATEGORIES,
  snippetHtml,
  type ArticleHit,
  type ArticleInput,
  type ArticleListRow,
  type KbCategory,
} from './kb.service';

/** An article's body under its page's title (an h2): h1 becomes h2, h2 h3, and so on. */
export const renderArticle = markdownRenderer({ h1: 'h2', h2: 'h3', h3: 'h4', h4: 'h5', h5: 'h6' });

export const VISIBILITY_LABELS = { public: 'Public', internal: 'Internal (helpdesk)' } as const;
export const STATUS_LABELS = { draft: 'Draft', published: 'Published' } as const;

/** A search hit for the page: its snippet as HTML with only <mark> left unescaped. */
export const hitView = (hit: ArticleHit) => ({
  slug: hit.slug,
  title: hit.title,
  category: KB_CATEGORIES[hit.category],
  internal: hit.visibility === 'internal',
  snippetHtml: snippetHtml(hit.snippet),
});

/** The published articles grouped by category, in the categories' order. */
export function categoryGroups(rows: readonly ArticleListRow[]) {
  return (Object.keys(KB_CATEGORIES) as KbCategory[])
    .map((category) => ({
      category,
      label: KB_CATEGORIES[category],
      articles: rows
        .filter((row) => row.category === category)
        .map((row) => ({ slug: row.slug, title: row.title, internal: row.visibility === 'internal' })),
    }))
    .filter((group) => group.articles.length > 0);
}

/** The article form's choices, the chosen ones selected. */
export function formChoices(values: ArticleInput = {}) {
  const options = <K extends string>(labels: Record<K, string>, chosen: string | undefined) =>
    (Object.entries(labels) as [K, string][]).map(([value, label]) => ({ value, label, selected: value === chosen }));
  return {
    categoryOptions: options(KB_CATEGORIES, values.category),
    visibilityOptions: options(VISIBILITY_LABELS, values.visibility ?? 'public'),
    statusOptions: options(STATUS_LABELS, values.status ?? 'draft'),
  };
}

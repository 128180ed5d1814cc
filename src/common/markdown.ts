import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

// Markdown written by staff (release notes, knowledge-base articles) and read
// by everyone: rendered with marked, then only plain document markup is kept.
// No images, styles, scripts, event attributes or frames; links only to
// http(s) and mailto, and they never reach the page that opened them.
const markdown = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED_TAGS = [
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'p',
  'br',
  'hr',
  'ul',
  'ol',
  'li',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];

/** Which heading each heading becomes, so a document's headings sit under the page's own. */
export type HeadingMap = Partial<Record<'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6', string>>;

/**
 * A renderer of Markdown to HTML that is safe to put on a page as it is;
 * `headings` moves the document's headings down under the page's.
 */
export function markdownRenderer(headings: HeadingMap = {}): (source: string) => string {
  const options: sanitizeHtml.IOptions = {
    allowedTags: ALLOWED_TAGS,
    // transformTags adds rel after the attribute filter has run: allow it on links too.
    allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      ...headings,
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
    },
  };
  return (source: string) => {
    if (source.trim() === '') return '';
    return sanitizeHtml(markdown.parse(source, { async: false }), options);
  };
}

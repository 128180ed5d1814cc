import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

// Release notes are Markdown written by operators and read by every
// organization: rendered with marked, then only plain document markup is
// kept. No images, styles, scripts, event attributes or frames; links only to
// http(s) and mailto, and they never reach the page that opened them.
const markdown = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
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
  ],
  allowedAttributes: { a: ['href', 'title'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Headings in notes sit under the page's own ("Release notes" is an h4): h1 and h2 become h5, the rest h6.
  transformTags: {
    h1: 'h5',
    h2: 'h5',
    h3: 'h6',
    h4: 'h6',
    h5: 'h6',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
};

// transformTags adds rel after the attribute filter has run: allow it on links too.
ALLOWED.allowedAttributes = { ...ALLOWED.allowedAttributes, a: ['href', 'title', 'rel'] };

/** Release notes (Markdown) as HTML that is safe to put on a page as it is. */
export function renderReleaseNotes(source: string): string {
  if (source.trim() === '') return '';
  const html = markdown.parse(source, { async: false });
  return sanitizeHtml(html, ALLOWED);
}

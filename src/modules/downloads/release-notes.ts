import { markdownRenderer } from '../../common/markdown';

/**
 * Release notes (Markdown) as HTML that is safe to put on a page as it is.
 * Headings in notes sit under the page's own ("Release notes" is an h4): h1
 * and h2 become h5, the rest h6.
 */
export const renderReleaseNotes = markdownRenderer({ h1: 'h5', h2: 'h5', h3: 'h6', h4: 'h6', h5: 'h6' });

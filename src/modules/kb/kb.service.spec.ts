import { ftsPrefixQuery, searchWords, slugify, snippetHtml, SNIPPET_END, SNIPPET_START } from './kb.service';

describe('knowledge base text rules', () => {
  it('makes a slug of lower-case words joined by hyphens, accents dropped', () => {
    expect(slugify('Install the agent on macOS')).toBe('install-the-agent-on-macos');
    expect(slugify('I lost my phone: signing in with a recovery code!')).toBe(
      'i-lost-my-phone-signing-in-with-a-recovery-code',
    );
    expect(slugify('Crème brûlée — déjà vu')).toBe('creme-brulee-deja-vu');
    expect(slugify('<script>')).toBe('script');
    expect(slugify('???')).toBe('article');
    expect(slugify('a'.repeat(100)).length).toBeLessThanOrEqual(80);
  });

  it('searches for the words typed, each as a prefix, quoted so nothing is FTS5 syntax', () => {
    expect(searchWords('  passw  "reset" OR NOT* (x)')).toEqual(['passw', 'reset', 'OR', 'NOT', 'x']);
    expect(ftsPrefixQuery(['passw', 'OR'], 'all')).toBe('"passw"* "OR"*');
    expect(ftsPrefixQuery(['passw', 'reset'], 'any')).toBe('"passw"* OR "reset"*');
    expect(searchWords('— … !')).toEqual([]);
  });

  it('escapes a snippet and marks only the matched words', () => {
    const snippet = `Type <b>${SNIPPET_START}zebra${SNIPPET_END}</b> & "quotes" <img src=x onerror=alert(1)>`;
    expect(snippetHtml(snippet)).toBe(
      'Type &lt;b&gt;<mark>zebra</mark>&lt;/b&gt; &amp; &quot;quotes&quot; &lt;img src=x onerror=alert(1)&gt;',
    );
  });
});

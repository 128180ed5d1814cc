import {
  cutSnippet,
  ftsPrefixQuery,
  searchWords,
  slugify,
  snippetHtml,
  SNIPPET_END,
  SNIPPET_START,
  suggestWords,
} from './kb.service';

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
    expect(ftsPrefixQuery(['password', 'déjà', 'a"b'], 'all')).toBe('"passwo"* "déjà"* "a""b"*');
    expect(searchWords('— … !')).toEqual([]);
  });

  it('escapes a snippet and marks only the matched words', () => {
    const snippet = `Type <b>${SNIPPET_START}zebra${SNIPPET_END}</b> & "quotes" <img src=x onerror=alert(1)>`;
    expect(snippetHtml(snippet)).toBe(
      'Type &lt;b&gt;<mark>zebra</mark>&lt;/b&gt; &amp; &quot;quotes&quot; &lt;img src=x onerror=alert(1)&gt;',
    );
  });

  it('cuts a snippet where the most words searched are, marking words that start with one', () => {
    const mark = (w: string) => `${SNIPPET_START}${w}${SNIPPET_END}`;
    const text = `${'Intro words here. '.repeat(10)}Reset your Password, then sign in with the new passwords. ${'More text. '.repeat(20)}`;
    const snippet = cutSnippet(text, ['passw', 'SIGN'], 12);
    expect(snippet).toBe(
      `…Reset your ${mark('Password')}, then ${mark('sign')} in with the new ${mark('passwords')}. More text…`,
    );
    expect(cutSnippet('Crème brûlée — déjà vu', ['deja'])).toBe(`Crème brûlée — ${mark('déjà')} vu`);
    expect(cutSnippet('Nothing matches in this short text.', ['zebra'], 3)).toBe('Nothing matches in…');
    expect(cutSnippet('', ['zebra'])).toBe('');
  });

  it('suggests from the longer words typed, the short ones only when there is nothing else', () => {
    expect(suggestWords('lost my phone in ca')).toEqual(['lost', 'phone']);
    expect(suggestWords('my pc')).toEqual(['my', 'pc']);
  });
});

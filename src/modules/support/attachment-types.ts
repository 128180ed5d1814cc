/** The kinds of file a ticket may carry: by extension, and what their content must look like. */
interface AttachmentKind {
  contentType: string;
  label: string;
  /** The content's first bytes (any of them), or null for text: valid UTF-8 without NUL. */
  magic: Buffer[] | null;
}

const bytes = (...values: number[]) => Buffer.from(values);
const ascii = (text: string) => Buffer.from(text, 'latin1');

const PNG: AttachmentKind = {
  contentType: 'image/png',
  label: 'a PNG image',
  magic: [bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)],
};
const JPEG: AttachmentKind = { contentType: 'image/jpeg', label: 'a JPEG image', magic: [bytes(0xff, 0xd8, 0xff)] };
const TEXT: AttachmentKind = { contentType: 'text/plain; charset=utf-8', label: 'UTF-8 text', magic: null };

export const ATTACHMENT_KINDS: Record<string, AttachmentKind> = {
  png: PNG,
  jpg: JPEG,
  jpeg: JPEG,
  gif: { contentType: 'image/gif', label: 'a GIF image', magic: [ascii('GIF87a'), ascii('GIF89a')] },
  pdf: { contentType: 'application/pdf', label: 'a PDF document', magic: [ascii('%PDF-')] },
  zip: {
    contentType: 'application/zip',
    label: 'a ZIP archive',
    magic: [bytes(0x50, 0x4b, 0x03, 0x04), bytes(0x50, 0x4b, 0x05, 0x06)],
  },
  txt: TEXT,
  log: TEXT,
};

/** The extensions a ticket takes, for the form's hint and its messages. */
export const ALLOWED_EXTENSIONS = 'PNG, JPG, GIF, PDF, TXT, LOG or ZIP';

/**
 * The name a client gave a file, as display text only: its last path segment
 * (either slash), without control characters, trimmed, at most 120 characters
 * (the extension kept); "attachment" when nothing is left.
 */
export function displayName(clientName: string): string {
  const base = clientName.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const chars = [...clean];
  if (chars.length <= 120) return clean.replace(/^\.+/, '') || 'attachment';
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
  return chars.slice(0, 120 - [...ext].length).join('') + ext;
}

/** The kind of file a name's extension says, if a ticket takes it. */
export function kindOfName(name: string): AttachmentKind | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  return ATTACHMENT_KINDS[name.slice(dot + 1).toLowerCase()];
}

/** Whether the content is what its kind says: the magic bytes, or valid UTF-8 without NUL for text. */
export function contentMatches(kind: AttachmentKind, content: Buffer): boolean {
  if (kind.magic) return kind.magic.some((m) => content.subarray(0, m.length).equals(m));
  if (content.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
    return true;
  } catch {
    return false;
  }
}

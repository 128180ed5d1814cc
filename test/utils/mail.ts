import { simpleParser, type AddressObject } from 'mailparser';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attrsOf } from './html';

// Reading mail as a mail client would (mailparser): what the SMTP peer
// received, or the .eml files the file transport wrote.

export interface ParsedMail {
  /** Header values as written (unfolded), by lower-case name; the first of each. */
  headers: Record<string, string>;
  /** The From header, decoded, e.g. `SeatDesk <no-reply@localhost>`. */
  from: string;
  /** The addresses in To. */
  to: string[];
  subject: string;
  messageId: string;
  /** The text/plain part, decoded. */
  text: string;
  /** The text/html part, decoded; '' when there is none. */
  html: string;
  /** The absolute links in the text part, in order. */
  links: string[];
  /** The hrefs of the links in the HTML part, in order. */
  htmlLinks: string[];
}

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) =>
    group.value.map((entry) => entry.address ?? '').filter(Boolean),
  );

// A URL on a line of text; sentence punctuation after it is not part of it.
const URL_IN_TEXT = /https?:\/\/[^\s<>"]+/g;

/** Parses a raw RFC 5322 message (SMTP DATA or an .eml file). */
export async function parseMail(raw: string | Buffer): Promise<ParsedMail> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    if (!(key in headers))
      headers[key] = line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
  }
  const text = mail.text ?? '';
  const html = typeof mail.html === 'string' ? mail.html : '';
  return {
    headers,
    from: mail.from?.text ?? '',
    to: addresses(mail.to),
    subject: mail.subject ?? '',
    messageId: mail.messageId ?? '',
    text,
    html,
    links: [...text.matchAll(URL_IN_TEXT)].map((m) => m[0].replace(/[.,;:!?)]+$/, '')),
    htmlLinks: html ? attrsOf(html, 'a[href]', 'href') : [],
  };
}

/** The first link in the text part to `path` on any host (e.g. `/reset-password`); throws when there is none. */
export function linkTo(mail: Pick<ParsedMail, 'links' | 'text'>, path: string): URL {
  const link = mail.links.map((href) => new URL(href)).find((url) => url.pathname === path);
  if (!link) throw new Error(`No ${path} link in:\n${mail.text}`);
  return link;
}

/** The `token` query parameter of the mail's link to `path`. */
export function tokenIn(mail: Pick<ParsedMail, 'links' | 'text'>, path: string): string {
  const token = linkTo(mail, path).searchParams.get('token');
  if (!token) throw new Error(`The ${path} link has no token:\n${mail.text}`);
  return token;
}

/** What the file transport wrote to `${dataDir}/mail`, oldest first (await delivery first). */
export async function mailFiles(dataDir: string): Promise<ParsedMail[]> {
  const dir = join(dataDir, 'mail');
  if (!existsSync(dir)) return [];
  // <time>-<id>.eml: by time, then by id as a number (id 10 after id 9).
  const key = (name: string) => /^(.*)-(\d+)\.eml$/.exec(name);
  const files = readdirSync(dir)
    .filter((name) => key(name))
    .sort((a, b) => {
      const [, timeA, idA] = key(a)!;
      const [, timeB, idB] = key(b)!;
      return timeA === timeB ? Number(idA) - Number(idB) : timeA < timeB ? -1 : 1;
    });
  return Promise.all(files.map((name) => parseMail(readFileSync(join(dir, name)))));
}

import type { Database } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { KB_ARTICLES } from '../seeds/kb-articles';
import { slugify } from '../src/modules/kb/kb.service';
import { BulkInsert } from './lib';

// Knowledge-base articles for the kb benches: Markdown bodies of sections
// whose sentences come from the shipped guides (seeds/kb-articles.ts: real
// English with the product's words at their natural frequencies), one word in
// eight swapped for a word of a larger generated vocabulary (product names,
// error codes, made-up terms, Zipf-distributed: a few common, most rare), and
// titles as a help centre words them. Inserted straight into kb_articles with
// multi-row INSERTs: the kb_search triggers index each row as it goes in.

/** A well-spread hash of n (Knuth's multiplicative). */
const mix = (n: number) => (Math.imul(n, 2654435761) >>> 0) % 1_000_003;
const unit = (n: number, salt: number) => mix(n * 7919 + salt * 104_729 + 13) / 1_000_003;
const pick = <T>(list: readonly T[], n: number, salt: number): T => list[Math.floor(unit(n, salt) * list.length)];

const SENTENCES = KB_ARTICLES.flatMap((a) =>
  a.body
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .filter((s) => s.length > 20),
);
const HEADINGS = KB_ARTICLES.flatMap((a) => [...a.body.matchAll(/^## (.+)$/gm)].map((m) => m[1]));

const SYLLABLES = [
  'ka',
  'ro',
  'mi',
  'tes',
  'lan',
  'vor',
  'qui',
  'del',
  'sar',
  'nix',
  'pol',
  'ber',
  'tan',
  'gro',
  'fel',
];
/** 20,000 made-up words: word i is rarer the larger i is (Zipf over the vocabulary). */
const VOCABULARY = 20_000;
function generatedWord(i: number): string {
  let word = '';
  for (let n = i + 15; n > 0; n = Math.floor(n / SYLLABLES.length)) word += SYLLABLES[n % SYLLABLES.length];
  return word;
}
/** Zipf-ish: u in [0, 1) to a rank, rank 0 the most frequent. */
const zipfRank = (u: number) => Math.min(VOCABULARY - 1, Math.floor(Math.exp(u * Math.log(VOCABULARY + 1)) - 1));

const TOPICS = [
  'Install the agent',
  'Remove the agent',
  'Activate a license',
  'Renew a subscription',
  'Add seats',
  'Reset your password',
  'Set up two-factor sign-in',
  'Move a device to another license',
  'Read an invoice',
  'Change the billing address',
  'Export the device list',
  'Fix a device that stopped reporting',
  'Invite a colleague',
  'Unlock an account',
];
const PLATFORMS = [
  'on Windows 11',
  'on Windows 10',
  'on macOS',
  'on Android',
  'on iOS',
  'with Intune',
  'with Jamf',
  '',
];
const CATEGORIES = ['sign-in', 'two-factor', 'installing', 'licenses', 'devices', 'billing'] as const;

/** The word only the first 5 articles have, at any size: what a rare search finds (the same page at every scale). */
export const RARE_WORD = 'quokkaware';

function body(n: number): string {
  let word = 0;
  const swap = (sentence: string) =>
    sentence.replace(/[A-Za-z]{4,}/g, (w) =>
      unit(n * 131 + word++, 21) < 0.125 ? generatedWord(zipfRank(unit(n + word, 22))) : w,
    );
  const sections: string[] = [];
  const count = 3 + Math.floor(unit(n, 23) * 3);
  for (let s = 0; s < count; s++) {
    const paragraphs: string[] = [];
    for (let p = 0; p < 2; p++) {
      const sentences: string[] = [];
      for (let i = 0; i < 3; i++) sentences.push(swap(pick(SENTENCES, n * 97 + s * 13 + p * 7 + i, 24)));
      paragraphs.push(sentences.join(' '));
    }
    if (unit(n + s, 25) < 0.3)
      paragraphs.push(`1. ${swap(pick(SENTENCES, n + s, 26))}\n2. ${swap(pick(SENTENCES, n + s, 27))}`);
    sections.push(`## ${pick(HEADINGS, n * 5 + s, 28)}\n\n${paragraphs.join('\n\n')}`);
  }
  if (n <= 5) sections.push(`## Known issue\n\nThe ${RARE_WORD} add-in blocks the installer.`);
  return sections.join('\n\n');
}

/** `count` published public articles (one in ten internal), in one transaction; seconds taken. */
export function insertArticles(db: Database, count: number): number {
  const started = process.hrtime.bigint();
  const now = Date.now();
  db.transaction(() => {
    const rows = new BulkInsert(db, 'kb_articles', [
      'id',
      'slug',
      'title',
      'category',
      'body',
      'visibility',
      'status',
      'revision',
      'created_at',
      'updated_at',
      'published_at',
    ]);
    for (let n = 1; n <= count; n++) {
      const topic = pick(TOPICS, n, 1);
      const title =
        `${topic} ${pick(PLATFORMS, n, 2)}`.trim() +
        (n > TOPICS.length * PLATFORMS.length ? ` (${generatedWord(n)})` : '');
      const at = now - Math.floor(unit(n, 3) * 700) * 86_400_000;
      rows.add([
        randomUUID(),
        `${slugify(title)}-${n}`,
        title,
        pick(CATEGORIES, n, 4),
        body(n),
        unit(n, 5) < 0.1 ? 'internal' : 'public',
        'published',
        1,
        at,
        at,
        at,
      ]);
    }
    rows.flush();
  })();
  db.exec('analyze');
  return Number(process.hrtime.bigint() - started) / 1e9;
}

import { randomInt } from 'node:crypto';

/**
 * Product keys: five groups of five characters, `7KQ2M-…-XXXXX`, from an
 * alphabet of 31 characters without the look-alikes 0, O, 1, I and L. The
 * first 24 characters are random (about 119 bits); the last is a check
 * character: the position-weighted sum of the others modulo 31 (a prime,
 * with every weight below it), so any one mistyped character and any two
 * swapped characters are caught before a lookup.
 */
export const KEY_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const BASE = KEY_ALPHABET.length; // 31
const BODY = 24;
const GROUP = 5;

const checkCharacter = (body: string): string => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (i + 1) * KEY_ALPHABET.indexOf(body[i]);
  return KEY_ALPHABET[sum % BASE];
};

const grouped = (compact: string) => compact.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');

/** A new random key, grouped. */
export function generateProductKey(): string {
  let body = '';
  for (let i = 0; i < BODY; i++) body += KEY_ALPHABET[randomInt(BASE)];
  return grouped(body + checkCharacter(body));
}

export type KeyReading = { key: string } | { problem: string };

/**
 * A typed key: case, spaces and dashes do not matter. Returns the key in
 * its canonical grouped form, or why it cannot be one (said to the person
 * typing it; an unknown but well-formed key is for the caller to say).
 */
export function readProductKey(input: unknown): KeyReading {
  if (typeof input !== 'string' || input.trim() === '') return { problem: 'Enter the product key.' };
  if (input.length > 100) return { problem: 'A product key has 25 characters: check what was pasted.' };
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  const stray = [...new Set([...compact].filter((c) => !KEY_ALPHABET.includes(c)))];
  if (stray.length > 0) {
    const lookAlikes = stray.filter((c) => '0O1IL'.includes(c));
    return {
      problem:
        lookAlikes.length > 0
          ? `Product keys never contain 0, O, 1, I or L: check the character${lookAlikes.length > 1 ? 's' : ''} ${lookAlikes.join(', ')}.`
          : 'A product key has only letters and digits (dashes and spaces are optional).',
    };
  }
  if (compact.length !== BODY + 1) {
    return { problem: `A product key has 25 characters; this has ${compact.length}.` };
  }
  if (checkCharacter(compact.slice(0, BODY)) !== compact[BODY]) {
    return { problem: 'This product key has a typo: check each character again.' };
  }
  return { key: grouped(compact) };
}

/** The key as lists show it: every group hidden but the last. */
export const maskProductKey = (lastGroup: string) => `•••••-•••••-•••••-•••••-${lastGroup}`;

/** The last group of a key (stored in clear, for the masked form and for recognising a key on the phone). */
export const lastGroupOf = (key: string) => key.slice(-GROUP);

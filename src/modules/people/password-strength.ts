import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

export interface StrengthVerdict {
  /** 0 (guessable in seconds) to 4 (very unguessable), zxcvbn's scale. */
  score: number;
  /** A sentence for the person, when zxcvbn has one. */
  warning: string | null;
}

// zxcvbn's long inputs cost quadratic time; past this length a password that
// passed the variety check is not the guessable kind zxcvbn catches.
const MAX_CHECKED_LENGTH = 100;

let factory: Promise<ZxcvbnFactory> | null = null;

// The dictionaries are a few MB: load them on the first password check, not at start.
function load(): Promise<ZxcvbnFactory> {
  factory ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        translations: en.translations,
        graphs: common.adjacencyGraphs,
        dictionary: { ...common.dictionary, ...en.dictionary },
      }),
  );
  return factory;
}

/** How guessable a password is, counting words from the person's own details as known. */
export async function passwordStrength(password: string, userInputs: string[]): Promise<StrengthVerdict> {
  if (password.length > MAX_CHECKED_LENGTH) return { score: 4, warning: null };
  const result = (await load()).check(password, [...userInputs, 'seatdesk']);
  return { score: result.score, warning: result.feedback.warning || null };
}

const STRENGTH_LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'];

/** The meter beside a refused new password (0–4, zxcvbn's scale). */
export function strengthView(score: number, refused: boolean) {
  const value = refused ? Math.min(score, 2) : score;
  return { score: value, label: refused ? `${STRENGTH_LABELS[value]}: not strong enough` : STRENGTH_LABELS[value] };
}

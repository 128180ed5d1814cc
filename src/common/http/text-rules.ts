import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * C0 control characters other than tab, LF and CR, and DEL. Never typed by a
 * person; NUL would even cut short the SQL the ORM writes out. The global
 * validation pipe refuses them in every string of every DTO.
 */
// eslint-disable-next-line no-control-regex -- finding them is the point
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
export const CONTROL_CHARACTER_MESSAGE = 'Remove the invisible control characters from this field.';

/** Whether a string, or a string anywhere inside an array or object, holds a control character. */
export function hasControlCharacter(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return CONTROL_CHARACTER.test(value);
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  return Object.values(value).some((item) => hasControlCharacter(item, depth + 1));
}

/**
 * What a line of human text (a name, an organization name, the anti-phishing
 * phrase) may not hold: controls (line breaks and tabs included), line and
 * paragraph separators, private-use, unassigned and lone surrogate code
 * points, the text-direction embeddings, overrides and isolates (which can
 * make a name read as something else), the zero-width space and the BOM.
 * Other format characters stay: real names and spellings need them (the
 * zero-width joiners of Persian, Indic scripts and emoji, left-to-right and
 * right-to-left marks pasted with Hebrew and Arabic names, the Mongolian vowel
 * separator, soft hyphens, flag tag sequences).
 */
const REFUSED_IN_LINE = /[\p{Cc}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/u;

/** Characters that show nothing: spaces and the zero-width ones. */
const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF]/gu;
const INVISIBLE_AT_ENDS = /^[\s\u200B-\u200D\u2060\uFEFF]+|[\s\u200B-\u200D\u2060\uFEFF]+$/gu;

/** Whether `value` is a line of human text (see REFUSED_IN_LINE). */
export function isLineOfText(value: string): boolean {
  return !REFUSED_IN_LINE.test(value);
}

/** For @Transform: form text fields are compared and stored without surrounding spaces (never passwords). */
export const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** For @Transform: spaces and zero-width characters at either end are dropped (non-strings pass as they are). */
export const trimLine = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.replace(INVISIBLE_AT_ENDS, '') : value;

export interface TextRule {
  /** Not a string, or empty (for a line of text: nothing visible). */
  missing: string;
  min?: number;
  tooShort?: string;
  max?: number;
  tooLong?: string;
  /** Count characters (code points) instead of UTF-16 units, as the database may. */
  codePoints?: boolean;
}

export interface LineOfTextRule extends TextRule {
  /** A character REFUSED_IN_LINE holds. */
  invalid: string;
  /** A control character (CONTROL_CHARACTER); defaults to the message every other field gives. */
  control?: string;
}

/** The message for what is wrong with `value`, or undefined when it is good. */
function textProblem(value: unknown, rule: TextRule, line?: LineOfTextRule): string | undefined {
  if (typeof value !== 'string') return rule.missing;
  if ((line ? value.replace(INVISIBLE, '') : value) === '') return rule.missing;
  if (line && CONTROL_CHARACTER.test(value)) return line.control ?? CONTROL_CHARACTER_MESSAGE;
  if (line && !isLineOfText(value)) return line.invalid;
  // Human text is counted in characters as a person sees them (code points), not UTF-16 units.
  const length = rule.codePoints || line ? [...value].length : value.length;
  if (rule.min !== undefined && length < rule.min) return rule.tooShort ?? rule.missing;
  if (rule.max !== undefined && length > rule.max) return rule.tooLong ?? `Use at most ${rule.max} characters.`;
  return undefined;
}

function textDecorator(name: string, rule: TextRule, line?: LineOfTextRule): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => textProblem(value, rule, line) === undefined,
        defaultMessage: (args?: ValidationArguments) => textProblem(args?.value, rule, line) ?? rule.missing,
      },
    });
}

/**
 * A required string in one rule, so the message does not depend on the order
 * decorators run in (class-validator runs them bottom-up): a missing or
 * non-string value always gets `missing`, then the length is judged.
 * Not trimmed: for passwords and codes, which are taken as typed.
 */
export const IsText = (rule: TextRule): PropertyDecorator => textDecorator('isText', rule);

/**
 * A line of human text: required (nothing visible counts as missing), no
 * character REFUSED_IN_LINE, then the length. Pair with @Transform(trimLine).
 */
export const IsLineOfText = (rule: LineOfTextRule): PropertyDecorator => textDecorator('isLineOfText', rule, rule);

/** The message for a name or organization name with a character REFUSED_IN_LINE. */
export const LINE_OF_TEXT_MESSAGE = 'Remove line breaks and invisible formatting characters from this field.';

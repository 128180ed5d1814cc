import { isEmail, registerDecorator, type ValidationArguments } from 'class-validator';
import { CONTROL_CHARACTER, CONTROL_CHARACTER_MESSAGE } from './text-rules';

/** One plain address, no display name, no list, no quoted local part: all the mail outbox sends to. */
export const MAIL_ADDRESS = /^[^\s@<>,;"()[\]\\]+@[^\s@<>,;"()[\]\\]+$/;
export const MAX_ADDRESS_LENGTH = 254;

/** Whether the outbox can send to `value` as it is (trim it first). */
export function isMailAddress(value: string): boolean {
  return MAIL_ADDRESS.test(value) && value.length <= MAX_ADDRESS_LENGTH;
}

export interface EmailAddressMessages {
  /** Not a string, or empty. */
  missing: string;
  /** Defaults to "Use at most 254 characters." */
  tooLong?: string;
  /** Defaults to "Enter an email address like name@example.com." */
  invalid?: string;
}

function problem(value: unknown, messages: EmailAddressMessages): string | undefined {
  if (typeof value !== 'string' || value === '') return messages.missing;
  if (CONTROL_CHARACTER.test(value)) return CONTROL_CHARACTER_MESSAGE;
  if (value.length > MAX_ADDRESS_LENGTH) return messages.tooLong ?? `Use at most ${MAX_ADDRESS_LENGTH} characters.`;
  // A form address must look like one (isEmail) and be one the outbox sends to.
  if (!isEmail(value) || !isMailAddress(value)) {
    return messages.invalid ?? 'Enter an email address like name@example.com.';
  }
  return undefined;
}

/**
 * The one rule for an email address typed into a form: what MailService.enqueue
 * accepts, at most 254 characters. Pair with a trimming @Transform.
 */
export const IsEmailAddress =
  (messages: EmailAddressMessages): PropertyDecorator =>
  (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isEmailAddress',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => problem(value, messages) === undefined,
        defaultMessage: (args?: ValidationArguments) => problem(args?.value, messages) ?? messages.missing,
      },
    });

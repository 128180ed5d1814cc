import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { FORM_LEVEL, InputRefused, type FieldErrors } from '../errors/app-error';
import { CONTROL_CHARACTER, CONTROL_CHARACTER_MESSAGE, hasControlCharacter } from './text-rules';

// Fields whose values are never sent back to the browser: secrets, and a
// payment card's number and security code (a postal or country code is none).
const SECRET_FIELD = /password|secret|token|(?<!postal|country|currency)code|_csrf|card_?number|cvc|cvv/i;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');

export const UNEXPECTED_FIELD_MESSAGE = 'This form had a field it does not expect. Reload the page and try again.';
const UNREADABLE_MESSAGE = 'This form could not be read. Reload the page and try again.';
// class-validator's own English ("name must be a string") names the property
// first; every rule we write says something to a person instead.
const FALLBACK_MESSAGE = 'Check this field and try again.';

export function fieldErrors(errors: ValidationError[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    if (error.property === '_csrf') continue;
    // forbidNonWhitelisted reports unknown fields, which the page does not show: say it once, for the form.
    if (error.constraints?.whitelistValidation) {
      fields[FORM_LEVEL] = UNEXPECTED_FIELD_MESSAGE;
      continue;
    }
    const messages = Object.values(error.constraints ?? {});
    let message = messages[messages.length - 1];
    if (!message) continue;
    // The body was not an object at all (ValidationPipe), or had no rules to check.
    if (!error.property || error.constraints?.isObject || error.constraints?.unknownValue) {
      fields[FORM_LEVEL] ??= UNREADABLE_MESSAGE;
      continue;
    }
    if (message.startsWith(`${error.property} `) || message.startsWith('each value in ')) message = FALLBACK_MESSAGE;
    fields[error.property] = message;
  }
  return fields;
}

/** The submitted values to show again, minus anything secret (and control characters). */
export function keptValues(body: unknown): Record<string, string> {
  const kept: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (!SECRET_FIELD.test(key) && typeof value === 'string') kept[key] = value.replace(CONTROL_CHARACTERS, '');
    }
  }
  return kept;
}

/**
 * The global pipe: class-validator's rules of the DTO, then one rule for every
 * DTO, present and future: no string may hold a control character (NUL would
 * cut short the SQL the ORM writes out). A field the DTO's own rules already
 * refused keeps their message.
 */
class AppValidationPipe extends ValidationPipe {
  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, validatorOptions);
    const refused = new Set(errors.map((error) => error.property));
    for (const [property, value] of Object.entries(object)) {
      if (property === '_csrf' || refused.has(property) || !hasControlCharacter(value)) continue;
      errors.push({ property, children: [], constraints: { controlCharacters: CONTROL_CHARACTER_MESSAGE } });
    }
    return errors;
  }
}

export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new InputRefused(fieldErrors(errors)),
  });
}

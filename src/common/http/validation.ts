import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FormError, type FieldErrors } from './exceptions';

// Fields whose values are never sent back to the browser.
const SECRET_FIELD = /password|secret|token|code|_csrf/i;

export function fieldErrors(errors: ValidationError[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    if (error.property === '_csrf') continue;
    const messages = Object.values(error.constraints ?? {});
    // forbidNonWhitelisted reports unknown fields; say it once, plainly.
    const message = error.constraints?.whitelistValidation
      ? 'This field is not expected here.'
      : messages[messages.length - 1];
    if (message) fields[error.property] = message;
  }
  return fields;
}

/** The submitted values to show again, minus anything secret. */
export function keptValues(body: unknown): Record<string, string> {
  const kept: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (!SECRET_FIELD.test(key) && typeof value === 'string') kept[key] = value;
    }
  }
  return kept;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new FormError(fieldErrors(errors)),
  });
}

// The one way to fail: services and guards throw one of these, and the global
// filter (src/common/http/http-exception.filter.ts) turns each kind into a page
// or JSON, the same way everywhere. Every message is a sentence written for the
// person who reads it; nothing else ever reaches a page.

/** Messages by form field; `_form` (FORM_LEVEL) is about the whole form. */
export type FieldErrors = Record<string, string>;

/** The key of a message about the whole form rather than one of its fields. */
export const FORM_LEVEL = '_form';

/** The closed set of ways a request can fail on purpose. */
export type ErrorKind =
  'input_refused' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'gone' | 'rate_limited';

/** Each kind's HTTP status, the same for pages and JSON. */
export const ERROR_STATUS: Readonly<Record<ErrorKind, number>> = {
  input_refused: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  rate_limited: 429,
};

export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;

  /**
   * `message` empty: the page's own plain sentence for the status is shown.
   * `fields`: messages beside the fields of the handler's @FormView (absent:
   * one message for the whole page). `locals`: more for the form shown again
   * (e.g. the strength meter's verdict on a refused password).
   */
  protected constructor(
    message: string,
    readonly fields?: FieldErrors,
    readonly locals?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  get status(): number {
    return ERROR_STATUS[this.kind];
  }

  /** The messages to show beside the form's fields: the fields, or the message for the whole form. */
  get fieldMessages(): FieldErrors {
    return this.fields ?? { [FORM_LEVEL]: this.message };
  }
}

// Field messages or one message for the whole form.
function split(input: FieldErrors | string): { message: string; fields?: FieldErrors } {
  return typeof input === 'string' ? { message: input } : { message: Object.values(input).join(' '), fields: input };
}

/** 400: the input cannot be used as it is; the form comes back with the messages beside its fields. */
export class InputRefused extends AppError {
  readonly kind = 'input_refused' as const;

  constructor(fields: FieldErrors | string, locals?: Record<string, unknown>) {
    const { message, fields: byField } = split(fields);
    super(message, byField, locals);
  }
}

/** 401: the password, code or session was not good enough; a form comes back with the message. */
export class Unauthenticated extends AppError {
  readonly kind = 'unauthenticated' as const;

  constructor(fields: FieldErrors | string = '') {
    const { message, fields: byField } = split(fields);
    super(message, byField);
  }
}

/** 403: this person may not do this, whatever they enter. */
export class Forbidden extends AppError {
  readonly kind = 'forbidden' as const;

  constructor(message = '') {
    super(message);
  }
}

/** 404: it does not exist, or it is not this person's to see (never confirmed either way). */
export class NotFound extends AppError {
  readonly kind = 'not_found' as const;

  constructor(message = '') {
    super(message);
  }
}

/** 409: the thing is not in a state that allows this now (already done, replaced meanwhile). */
export class Conflict extends AppError {
  readonly kind = 'conflict' as const;

  constructor(message: string, fields?: FieldErrors) {
    super(message, fields);
  }
}

/** 410: it existed, and is no longer available (an expired link, a withdrawn download). */
export class Gone extends AppError {
  readonly kind = 'gone' as const;

  constructor(message = '') {
    super(message);
  }
}

/**
 * 429: too many attempts; try again later. With a message (or messages by
 * field), a form comes back with it (the handler's @FormView); without one,
 * the page says so.
 */
export class RateLimited extends AppError {
  readonly kind = 'rate_limited' as const;

  constructor(
    readonly retryAfterSeconds?: number,
    messages: FieldErrors | string = '',
  ) {
    const { message, fields } = split(messages);
    super(message, fields);
  }
}

import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

export type FieldErrors = Record<string, string>;

/** Invalid form input: the filter re-renders the handler's form view with these messages (400). */
export class FormError extends BadRequestException {
  constructor(readonly fields: FieldErrors) {
    super(Object.values(fields).join(' '));
  }
}

/** Ends a request with a redirect from anywhere (guards included). */
export class RedirectException extends HttpException {
  constructor(readonly location: string) {
    super('Redirect', HttpStatus.SEE_OTHER);
  }
}

import { HttpException, HttpStatus } from '@nestjs/common';

/** Ends a request with a redirect from anywhere (guards included). */
export class RedirectException extends HttpException {
  constructor(readonly location: string) {
    super('Redirect', HttpStatus.SEE_OTHER);
  }
}

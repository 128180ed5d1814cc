import { InputRefused } from '../errors/app-error';
import type { NextFunction, Request, Response } from 'express';

export const NUL_IN_URL_MESSAGE = 'The address contains a character that is not allowed.';

/**
 * Refuses a request whose path or query holds a NUL (%00), before any handler
 * can put it into SQL (the ORM writes parameters into the statement text, and
 * a NUL ends it). The error goes to Nest's exception handler, so the answer is
 * the usual 400: a page, or JSON under /api.
 */
export function refuseNulInUrl(req: Request, _res: Response, next: NextFunction): void {
  if (req.originalUrl.includes('%00') || req.originalUrl.includes('\u0000')) {
    next(new InputRefused(NUL_IN_URL_MESSAGE));
    return;
  }
  next();
}

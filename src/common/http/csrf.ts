import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { doubleCsrf } from 'csrf-csrf';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/app.config';
import { Forbidden } from '../errors/app-error';
import { deriveKeyBytes } from '../security/keys';
import { cookieName, cookieOptions } from './cookies';

export const SESSION_COOKIE = 'sd_session';

export type CsrfUtilities = ReturnType<typeof doubleCsrf>;

/** Injection token for the app's CsrfUtilities. */
export const CSRF = Symbol('CSRF');

// Double-submit cookie bound to the session cookie, token read from the form
// field `_csrf` only (csrf-csrf v4).
export function createCsrf(config: Pick<AppConfig, 'appSecret' | 'secure'>): CsrfUtilities {
  const secret = deriveKeyBytes(config.appSecret, 'csrf').toString('hex');
  const sessionCookie = cookieName(SESSION_COOKIE, config.secure);
  return doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req: Request) => (req.cookies?.[sessionCookie] as string | undefined) ?? '',
    cookieName: cookieName('sd_csrf', config.secure),
    cookieOptions: cookieOptions(config.secure),
    getCsrfTokenFromRequest: (req: Request) => {
      const token = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses every unsafe request without a valid `_csrf`, except under the token-authenticated JSON API. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(@Inject(CSRF) private readonly csrf: CsrfUtilities) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method) || req.path.startsWith('/api/')) return true;
    if (!this.csrf.validateRequest(req)) {
      throw new Forbidden('This form has expired. Go back, reload the page and try again.');
    }
    return true;
  }
}

/** The token for the page being rendered (set as a cookie on the same response). */
export function csrfTokenFor(csrf: CsrfUtilities, req: Request, res: Response): string {
  return csrf.generateCsrfToken(req, res);
}

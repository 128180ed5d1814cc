import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { doubleCsrf } from 'csrf-csrf';
import type { CookieOptions, Request, Response } from 'express';
import { createSecretKey } from 'node:crypto';
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
  // The HMAC key is the UTF-8 of the derived key's hex, as it always was; as a
  // KeyObject, so createHmac does not import it again for every page.
  const secret = createSecretKey(Buffer.from(deriveKeyBytes(config.appSecret, 'csrf').toString('hex'), 'utf8'));
  const sessionCookie = cookieName(SESSION_COOKIE, config.secure);
  return doubleCsrf({
    getSecret: () => secret as unknown as string,
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

/**
 * The token for the page being rendered. Its cookie is set on the same
 * response when it is new; a browser already holding it (a session cookie,
 * no expiry to refresh) is not sent it again with every page.
 */
export function csrfTokenFor(csrf: CsrfUtilities, req: Request, res: Response): string {
  let cookie: [string, string, CookieOptions] | undefined;
  const capture = { cookie: (...args: [string, string, CookieOptions]) => (cookie = args) };
  const token = csrf.generateCsrfToken(req, capture as unknown as Response);
  if (cookie && (req.cookies as Record<string, unknown> | undefined)?.[cookie[0]] !== token) res.cookie(...cookie);
  return token;
}

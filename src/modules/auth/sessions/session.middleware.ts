import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { cookieName, cookieOptions } from '../../../common/http/cookies';
import { SESSION_COOKIE } from '../../../common/http/csrf';
import type { AppRequest } from '../../../common/http/principal';
import { setCurrentActor } from '../../../common/request-info';
import type { AppConfig } from '../../../config/app.config';
import { APP_CONFIG } from '../../../common/config.module';
import { isApiPath } from './api-credentials';
import { SessionsService } from './sessions.service';

/**
 * Resolves the session cookie to `req.user` for every request outside /api
 * (error pages included, so a 404 still shows the person's navigation).
 * Whether a route needs a session is SessionGuard's decision.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly cookie: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    this.cookie = cookieName(SESSION_COOKIE, config.secure);
  }

  async use(req: AppRequest, res: Response, next: NextFunction): Promise<void> {
    try {
      // Nothing a session shows may be kept by a browser or proxy cache.
      res.setHeader('Cache-Control', 'no-store');
      // Under /api the cookie is not even read: a cross-site request carries it.
      const token = isApiPath(req.path) ? undefined : (req.cookies?.[this.cookie] as string | undefined);
      if (token) {
        const user = await this.sessions.resolve(token);
        if (user) {
          req.user = user;
          setCurrentActor({
            type: 'person',
            id: user.personId,
            label: user.email,
            organizationId: user.orgId,
            role: user.role,
          });
        } else res.clearCookie(this.cookie, cookieOptions(this.config.secure));
      }
      next();
    } catch (err) {
      next(err);
    }
  }

  /**
   * Sets the session cookie. The rest of this request sees it too: the page
   * rendered with it carries a CSRF token bound to the new session, not the
   * one it replaces.
   */
  setCookie(res: Response, token: string): void {
    res.cookie(this.cookie, token, cookieOptions(this.config.secure));
    const req = res.req as AppRequest | undefined;
    if (req?.cookies) (req.cookies as Record<string, string>)[this.cookie] = token;
  }

  clearCookie(res: Response): void {
    res.clearCookie(this.cookie, cookieOptions(this.config.secure));
  }
}

import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { Unauthenticated } from '../../../common/errors/app-error';
import type { ApiClient, AppRequest } from '../../../common/http/principal';
import { setCurrentActor } from '../../../common/request-info';

/** The JSON API: bearer tokens only, never the session cookie (so no CSRF check either). */
export const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');

export const API_NEEDS_TOKEN = 'Use an API key: /api accepts bearer tokens only, never the session cookie.';

/** Turns a bearer token into who holds it, or null when the token is not one of its kind or not valid. */
export type ApiTokenResolver = (token: string) => Promise<ApiClient | null>;

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * Who may call /api: the modules that issue bearer tokens register a
 * resolver (devices for their device tokens, later API keys), and a module
 * may open a route that authenticates by its body instead (a device's
 * activation, by product key). Everything else under /api without a valid
 * bearer token is a JSON 401 before routing: a cookie never signs an API
 * call in, and strangers are not told which addresses exist.
 */
@Injectable()
export class ApiCredentials implements NestMiddleware {
  private readonly resolvers: ApiTokenResolver[] = [];
  private readonly open = new Set<string>();

  registerResolver(resolver: ApiTokenResolver): void {
    this.resolvers.push(resolver);
  }

  /** `POST /api/v1/activations`: a route that needs no bearer token (it checks its own credentials). */
  openRoute(method: string, path: string): void {
    this.open.add(`${method.toUpperCase()} ${path}`);
  }

  async use(req: AppRequest, _res: Response, next: NextFunction): Promise<void> {
    if (!isApiPath(req.path)) return next();
    try {
      const match = BEARER.exec(req.get('authorization') ?? '');
      if (match) {
        for (const resolve of this.resolvers) {
          const client = await resolve(match[1]);
          if (client) {
            req.apiClient = client;
            setCurrentActor({
              type: client.type,
              id: client.id,
              label: client.label,
              organizationId: client.organizationId,
            });
            return next();
          }
        }
        return next(new Unauthenticated('The bearer token is not valid (it may have been revoked).'));
      }
      if (this.open.has(`${req.method} ${req.path}`)) return next();
      next(new Unauthenticated(API_NEEDS_TOKEN));
    } catch (err) {
      next(err);
    }
  }
}

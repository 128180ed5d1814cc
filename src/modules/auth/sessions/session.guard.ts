import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock } from '../../../common/clock';
import { Unauthenticated } from '../../../common/errors/app-error';
import { ALLOW_STAGES, IS_PUBLIC, RECENT_AUTH, RECENT_AUTH_SECONDS } from '../../../common/http/decorators';
import { RedirectException } from '../../../common/http/exceptions';
import type { AppRequest, Principal } from '../../../common/http/principal';
import { API_NEEDS_TOKEN } from './api-credentials';

// Where a session that has not finished signing in is sent.
const STAGE_HOME: Record<Exclude<Principal['stage'], 'active'>, string> = {
  two_factor: '/login/2fa',
  enrol: '/account/security',
};

/**
 * Every route needs a finished sign-in unless it is @Public(), or lists the
 * session's stage in @AllowStages(); @RecentAuth() routes also need the
 * password typed within the last 15 minutes.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly clock: Clock,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AppRequest>();
    const user = req.user;
    const api = req.path.startsWith('/api/');
    if (!user) {
      if (api) throw new Unauthenticated(API_NEEDS_TOKEN);
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      throw new RedirectException(`/login${next}`);
    }
    if (user.stage !== 'active') {
      const allowed = this.reflector.getAllAndOverride<string[] | undefined>(ALLOW_STAGES, targets) ?? [];
      if (!allowed.includes(user.stage)) {
        if (api) throw new Unauthenticated('Finish signing in first.');
        throw new RedirectException(STAGE_HOME[user.stage]);
      }
    }
    const returnTo = this.reflector.getAllAndOverride<string | undefined>(RECENT_AUTH, targets);
    if (returnTo && !this.recentlyConfirmed(user)) {
      throw new RedirectException(`/account/confirm?next=${encodeURIComponent(this.returnPath(req, returnTo))}`);
    }
    return true;
  }

  private recentlyConfirmed(user: Principal): boolean {
    return user.confirmedAt !== null && +this.clock.now() - +user.confirmedAt < RECENT_AUTH_SECONDS * 1000;
  }

  // After confirming, a GET comes back to itself; a form post to the page it was on.
  private returnPath(req: AppRequest, fallback: string): string {
    if (req.method === 'GET') return req.originalUrl;
    const referer = req.get('referer');
    if (!referer) return fallback;
    try {
      const url = new URL(referer, 'http://x');
      if (url.pathname.startsWith('/') && !url.pathname.startsWith('//')) return url.pathname + url.search;
    } catch {
      // no usable referer
    }
    return fallback;
  }
}

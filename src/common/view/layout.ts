import type { NextFunction, Request, Response } from 'express';
import { csrfTokenFor, type CsrfUtilities } from '../http/csrf';
import type { AppRequest } from '../http/principal';
import { takeFlash } from './flash';
import { navFor, ROLE_LABELS, type NavItem } from './navigation';

/** App setting holding the modules' navigation (registered by the composition root). */
export const MODULE_NAV_SETTING = 'seatdesk.moduleNav';

/** App setting holding the items the plugin host adds after the core navigation. */
export const PLUGIN_NAV_SETTING = 'seatdesk.pluginNav';

/**
 * What the layout needs on every page. CSRF token and flash are getters so
 * they are only produced (and their cookies only set) when a page renders.
 */
export function applyLayoutLocals(req: Request, res: Response, csrf: CsrfUtilities): void {
  const user = (req as AppRequest).user;
  const locals = res.locals as Record<string, unknown>;
  // Dates on the page in the reader's zone (app.locals.timeZone, the install's, for anyone else).
  if (user) locals.timeZone = user.timeZone;
  // Half-way through two-factor a session shows nothing of the account; one
  // that must enrol shows who is signed in (to sign out) but no navigation.
  if (user && user.stage !== 'two_factor') {
    locals.currentUser = { name: user.name, email: user.email, roleLabel: ROLE_LABELS[user.role] };
    const moduleNav = (req.app.get(MODULE_NAV_SETTING) as NavItem[] | undefined) ?? [];
    const pluginNav = (req.app.get(PLUGIN_NAV_SETTING) as NavItem[] | undefined) ?? [];
    locals.nav =
      user.stage === 'active' ? navFor(user.role, req.originalUrl.split('?')[0], [...moduleNav, ...pluginNav]) : [];
  }
  let token: string | undefined;
  let flash: ReturnType<typeof takeFlash> | undefined;
  Object.defineProperty(locals, 'csrfToken', {
    enumerable: true,
    configurable: true,
    get: () => (token ??= csrfTokenFor(csrf, req, res)),
  });
  Object.defineProperty(locals, 'flash', {
    enumerable: true,
    configurable: true,
    get: () => (flash ??= takeFlash(req, res)),
  });
}

/**
 * Gives every page outside /api its layout locals, once the session is known.
 * A middleware rather than an interceptor: Nest wraps each interceptor call
 * in async resources and observables, which every page would pay for.
 */
export function layoutLocals(csrf: CsrfUtilities) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.path.startsWith('/api/')) applyLayoutLocals(req, res, csrf);
    next();
  };
}

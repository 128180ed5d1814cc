import type { Request, Response } from 'express';
import type { PluginSecrets } from '../../src/platform/plugin-host/plugin-api';
import { WEBHOOKS_PLUGIN_ID } from './webhooks.constants';

const COOKIE = 'sd_webhook_secret';
const PATH = '/plugins/webhooks';

// A new endpoint's secret crosses the POST/redirect/GET in a short-lived,
// encrypted, http-only cookie, so only the browser that created the endpoint
// sees it, once; the database keeps it sealed.
export function stashSecret(res: Response, secrets: PluginSecrets, endpointId: string, secret: string): void {
  const secure = Boolean(res.app.get('seatdesk.secure'));
  res.cookie(COOKIE, secrets.seal(WEBHOOKS_PLUGIN_ID, JSON.stringify({ endpointId, secret })), {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: PATH,
    maxAge: 10 * 60_000,
  });
}

/** The secret stashed for this endpoint, at most once. */
export function takeSecret(req: Request, res: Response, secrets: PluginSecrets, endpointId: string): string | null {
  const sealed = (req.cookies as Record<string, unknown> | undefined)?.[COOKIE];
  if (typeof sealed !== 'string') return null;
  try {
    const stashed = JSON.parse(secrets.open(WEBHOOKS_PLUGIN_ID, sealed)) as { endpointId: string; secret: string };
    if (stashed.endpointId !== endpointId) return null;
    res.clearCookie(COOKIE, { path: PATH });
    return stashed.secret;
  } catch {
    res.clearCookie(COOKIE, { path: PATH });
    return null;
  }
}

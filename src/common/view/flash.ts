import type { Request, Response } from 'express';

export type FlashType = 'success' | 'warning' | 'danger' | 'info';
export interface FlashMessage {
  type: FlashType;
  message: string;
}

const COOKIE = 'sd_flash';

/** Shows one sentence on the next page the browser renders (POST/redirect/GET). */
export function setFlash(res: Response, type: FlashType, message: string): void {
  const secure = Boolean(res.app.get('seatdesk.secure'));
  res.cookie(COOKIE, JSON.stringify([{ type, message }]), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: 60_000,
  });
}

/** Reads and clears the pending flash messages; a tampered cookie is ignored. */
export function takeFlash(req: Request, res: Response): FlashMessage[] {
  // cookie-parser moves a well-signed cookie to signedCookies (false when tampered).
  const raw = (req.signedCookies as Record<string, unknown> | undefined)?.[COOKIE];
  if (raw === undefined && req.cookies?.[COOKIE] === undefined) return [];
  res.clearCookie(COOKIE, { path: '/' });
  if (typeof raw !== 'string') return [];
  try {
    const parsed = JSON.parse(raw) as FlashMessage[];
    return Array.isArray(parsed)
      ? parsed.filter(
          (m) => typeof m?.message === 'string' && ['success', 'warning', 'danger', 'info'].includes(m.type),
        )
      : [];
  } catch {
    return [];
  }
}

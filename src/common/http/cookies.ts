import type { CookieOptions } from 'express';

// On https the __Host- prefix pins a cookie to this exact origin; browsers
// refuse that prefix without Secure, so plain-http installs use bare names.
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

export function cookieOptions(secure: boolean, extra: CookieOptions = {}): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', ...extra };
}

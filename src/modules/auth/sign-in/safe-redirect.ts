/** Only a path on this site: never `//evil.example`, `/\evil` or a full URL. */
export function safeNextPath(next: unknown, fallback = '/dashboard'): string {
  if (typeof next !== 'string' || next.length > 2000) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (/\p{Cc}/u.test(next)) return fallback;
  if (next.startsWith('/login') || next.startsWith('/logout')) return fallback;
  return next;
}

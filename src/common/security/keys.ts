import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

// Every purpose gets its own key derived from APP_SECRET, so a key leaked from
// one use (say, CSRF) says nothing about another (say, sessions).
export function deriveKeyBytes(appSecret: string, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, 'seatdesk', purpose, length));
}

export function deriveSecretKey(appSecret: string, purpose: string): KeyObject {
  return createSecretKey(deriveKeyBytes(appSecret, purpose));
}

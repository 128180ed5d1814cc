import { createHash } from 'node:crypto';
import type { AccountOf } from '../../common/http/rate-limit/rate-limit.guard';
import { normalizeEmail } from '../people/person.entity';

// Which account a public auth form is about, for its per-account rate limit.

const field = (req: Parameters<AccountOf>[0], name: string): string | undefined => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

/** The address typed into the form, as sign-in reads it (trimmed, lower-cased). */
export const typedEmail: AccountOf = (req) => {
  const email = field(req, 'email');
  return email === undefined ? undefined : `email:${normalizeEmail(email.slice(0, 254))}`;
};

/** The reset link the form carries (hashed: the counter's key never holds a usable token). */
export const resetToken: AccountOf = (req) => {
  const token = field(req, 'token');
  return token === undefined ? undefined : `token:${createHash('sha256').update(token.slice(0, 256)).digest('hex')}`;
};

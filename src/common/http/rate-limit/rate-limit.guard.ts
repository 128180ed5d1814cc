import { Injectable, mixin, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import {
  normalizeIp,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerOptions,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import { RateLimited } from '../../errors/app-error';
import { FORM_VIEW, useFormView, type FormViewSpec } from '../decorators';
import type { AppRequest } from '../principal';

/**
 * The rate limits of the forms a visitor or a signing-in person posts, two
 * counts a minute per form:
 *
 * - `account`: one account (the typed address, the session's person, …)
 *   from one client address, LOGIN_RATE_LIMIT. Guessing at one account is
 *   held back without holding back anyone else behind the same address.
 * - `address`: everything from one client address, LOGIN_RATE_LIMIT_PER_ADDRESS,
 *   a much higher ceiling: enough for a whole office behind one NAT (or
 *   behind a proxy that is not trusted), low enough to stop a flood.
 *
 * Counters are kept in memory (one process). A refused request comes back
 * on its form (429) with a message, before the form does any of its work.
 */
export const RATE_LIMIT_WINDOW_MS = 60_000;

export const PER_ACCOUNT = 'account';
export const PER_ADDRESS = 'address';

/** The throttlers for ThrottlerModule.forRoot(). */
export function rateLimitThrottlers(perAccount: number, perAddress: number): ThrottlerOptions[] {
  // In this order: every request counts against its address, even one its account's count then refuses.
  return [
    { name: PER_ADDRESS, ttl: RATE_LIMIT_WINDOW_MS, limit: perAddress },
    { name: PER_ACCOUNT, ttl: RATE_LIMIT_WINDOW_MS, limit: perAccount },
  ];
}

/**
 * Which account a request is about, or undefined when it names none (the
 * `account` count then falls back to the address alone). Any string: the
 * guard prefixes it with the client address.
 */
export type AccountOf = (req: AppRequest) => string | undefined;

/** The session's person: forms of a signed-in (or signing-in) person. */
export const sessionPerson: AccountOf = (req) => (req.user ? `person:${req.user.personId}` : undefined);

/** Nothing: the form is about no account (setup); the `account` count is the address's. */
export const noAccount: AccountOf = () => undefined;

export const TOO_MANY_FOR_ACCOUNT = 'Too many attempts for this account. Wait a minute, then try again.';
export const TOO_MANY_FROM_ADDRESS = 'Too many attempts from your network address. Wait a minute, then try again.';

const ACCOUNT_TRACKER = 'account:';

@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected accountOf: AccountOf = noAccount;

  protected override handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const perAccount = props.throttler.name === PER_ACCOUNT;
    return super.handleRequest({
      ...props,
      getTracker: (req) => {
        // An IPv6 client has a whole /64 to pick from: it counts as one address.
        const address = normalizeIp(clientAddress(req as AppRequest), this.ipv6SubnetPrefix);
        if (!perAccount) return Promise.resolve(`address:${address}`);
        const account = this.accountOf(req as AppRequest) ?? '';
        return Promise.resolve(`${ACCOUNT_TRACKER}${address}|${account}`);
      },
    });
  }

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = context.switchToHttp().getRequest<AppRequest>();
    // Shown on the form the request posted, as a refused input would be.
    const form = this.reflector.get<FormViewSpec | undefined>(FORM_VIEW, context.getHandler());
    if (form) useFormView(req, form);
    const message = detail.tracker.startsWith(ACCOUNT_TRACKER) ? TOO_MANY_FOR_ACCOUNT : TOO_MANY_FROM_ADDRESS;
    throw new RateLimited(detail.timeToBlockExpire, message);
  }
}

/** req.ip is the socket's address, or the forwarded one when TRUST_PROXY trusts the hop. */
export function clientAddress(req: AppRequest): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}

const guards = new Map<AccountOf, Type<CanActivate>>();

/**
 * The rate-limit guard of one form, counting per `accountOf` (default: the
 * session's person) and client address, and per client address:
 * `@UseGuards(RateLimit(typedEmail))`.
 */
export function RateLimit(accountOf: AccountOf = sessionPerson): Type<CanActivate> {
  let guard = guards.get(accountOf);
  if (!guard) {
    class KeyedRateLimitGuard extends RateLimitGuard {
      protected override accountOf = accountOf;
    }
    guard = mixin(KeyedRateLimitGuard);
    guards.set(accountOf, guard);
  }
  return guard;
}

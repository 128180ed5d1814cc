import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import {
  AddressRefusedError,
  literalHostRefusal,
  vettedLookup,
  type AddressPolicy,
  type Resolver,
} from './webhook-address';

export interface AttemptResult {
  ok: boolean;
  /** The HTTP status the endpoint answered, if it answered. */
  status: number | null;
  /** What went wrong, in a sentence for the delivery log. */
  error: string | null;
  /** Trying again cannot help (a refused address): the delivery fails now. */
  final?: true;
  /** Why there was no answer (an error code), for the server log only, never a page. */
  cause?: string;
}

export interface PostOptions extends AddressPolicy {
  timeoutMs: number;
  signal: AbortSignal;
  /** Answers for host names; DNS unless a test says otherwise. */
  resolve?: Resolver;
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, as receivers verify it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The delivery log's one sentence for every way of not getting an answer:
 * refused, reset, timed out, unresolved, unreachable, TLS failure. Telling
 * them apart would turn webhooks into a port scanner of the networks
 * SeatDesk reaches; the cause goes to the server log only.
 */
export const UNREACHABLE = 'Could not reach the endpoint.';

/**
 * POSTs `body` once. Resolves (never rejects) when the endpoint answers with
 * a status, fails, or does not answer within `timeoutMs`; `signal` ends it
 * early. A failure without an answer is reported at the deadline, as a
 * timeout is, so a closed port does not answer faster than a silent one.
 * A new connection each time: nothing lingers after the attempt.
 * The address is checked before connecting (webhook-address.ts): a refused
 * one is answered at once, without a connection, and `final`.
 */
export function postOnce(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<AttemptResult> {
  const { timeoutMs, signal } = options;
  return new Promise((resolve) => {
    const target = new URL(url);
    // Sockets skip `lookup` for an IP address: those are checked here.
    const refused = literalHostRefusal(target, options);
    if (refused) return resolve({ ok: false, status: null, error: refused, final: true });
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'POST',
        agent: false,
        // The name is resolved once, checked, and the socket gets the checked addresses.
        lookup: vettedLookup(options, options.resolve),
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'SeatDesk-Webhooks/1',
          ...headers,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        // Only the status matters; the body is not read.
        response.destroy();
        finish(
          status >= 200 && status < 300
            ? { ok: true, status, error: null }
            : { ok: false, status, error: `The endpoint answered ${status}.` },
        );
      },
    );
    let cause = 'ETIMEDOUT';
    const timer = setTimeout(() => {
      finish({ ok: false, status: null, error: UNREACHABLE, cause });
      request.destroy();
    }, timeoutMs);
    const onAbort = () => {
      finish({ ok: false, status: null, error: 'SeatDesk stopped during the attempt.' });
      request.destroy();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof AddressRefusedError) {
        finish({ ok: false, status: null, error: err.message, final: true });
      } else {
        // Reported by the timer, at the deadline.
        cause = err.code ?? err.message;
      }
    });
    request.end(body);
  });
}

import type { NextFunction, Request, Response } from 'express';

/** What a warning needs of a logger (pino's `warn(object, message)`). */
export interface WarnLogger {
  warn(details: object, message: string): void;
}

export const FORWARDED_FOR_IGNORED =
  'Requests carry X-Forwarded-For but TRUST_PROXY is off: every client is seen (and rate-limited) as the address of the proxy in front of SeatDesk. If a reverse proxy forwards to SeatDesk, set TRUST_PROXY to its hops (e.g. 1) or its addresses; if not, a client is writing the header itself and it is ignored.';

/**
 * With TRUST_PROXY off, the first request carrying X-Forwarded-For is
 * logged once (one warning per process, whatever follows): behind a proxy
 * everyone shares the proxy's address, in the audit log and the rate limits.
 */
export function warnForwardedForIgnored(logger: WarnLogger) {
  let warned = false;
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!warned && req.headers['x-forwarded-for'] !== undefined) {
      warned = true;
      logger.warn({ remoteAddress: req.socket.remoteAddress, setting: 'TRUST_PROXY' }, FORWARDED_FOR_IGNORED);
    }
    next();
  };
}

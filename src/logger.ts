import type { NextFunction, Request, Response } from 'express';
import type { Params } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { databaseErrorForLog, isDatabaseError } from './common/error-info';
import { currentRequestInfo } from './common/request-info';
import type { AppConfig } from './config/app.config';

/** Injection token of the app's root pino logger (the one the request log writes to). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

type LoggedRequest = IncomingMessage & { id?: number; originalUrl?: string };

// A path segment that is a secret: the token of an invitation link.
const SECRET_IN_PATH = /^(\/invitations\/)[^/]+/;

// Query strings can carry reset tokens and cookies carry sessions: neither is
// logged, nor an invitation link's token in its path. The serializers keep only these fields of any request or response
// logged under `req` or `res`; redaction is the net under everything else.
export function createLogger(config: Pick<AppConfig, 'logLevel'>, stream?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'res.headers["set-cookie"]',
          'password',
          'token',
          '*.password',
          '*.token',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: LoggedRequest) => ({
          id: req.id,
          method: req.method,
          url: (req.originalUrl ?? req.url ?? '').split('?')[0].replace(SECRET_IN_PATH, '$1[redacted]'),
          remoteAddress: req.socket?.remoteAddress,
          userAgent: req.headers?.['user-agent'],
        }),
        // The status only: response headers carry Set-Cookie.
        res: (res: ServerResponse) => ({ statusCode: res.headersSent ? res.statusCode : null }),
        // A database error's message and stack hold the SQL and its values (password hashes among them).
        err: (err: Error) => (isDatabaseError(err) ? databaseErrorForLog(err) : stdSerializers.err(err)),
      },
      // A line written while a request is handled names it.
      mixin: () => {
        const id = currentRequestInfo().requestId;
        return id === undefined ? {} : { reqId: id };
      },
    },
    stream,
  );
}

/**
 * nestjs-pino writes the app's logs through `logger`. Its own request
 * middleware (pino-http) is not mounted: two child loggers and an async
 * context per request cost more than the rest of the logging together.
 * requestLogger below writes the same line per request instead.
 */
export function loggerModuleParams(logger: Logger): Params {
  return { pinoHttp: { logger }, useExisting: true, forRoutes: [] };
}

let sequence = 0;

/**
 * Numbers the request (`req.id`, and `reqId` on lines written while it is
 * handled) and writes one line when it is answered: method, path (never the
 * query), client, status and time. Not for /assets/.
 */
export function requestLogger(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = (sequence = (sequence + 1) & 0x7fffffff);
    (req as LoggedRequest).id = id;
    if (!req.url.startsWith('/assets/')) {
      const started = Date.now();
      res.once('close', () => {
        const msg =
          res.statusCode >= 500
            ? 'request errored'
            : !req.readableAborted && res.writableEnded
              ? 'request completed'
              : 'request aborted';
        logger.info({ reqId: id, req, res, responseTime: Date.now() - started }, msg);
      });
    }
    next();
  };
}

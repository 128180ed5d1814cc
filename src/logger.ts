import type { Params } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from './config/app.config';

// Query strings can carry reset tokens and cookies carry sessions: neither is logged.
export function loggerOptions(config: Pick<AppConfig, 'logLevel'>): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'res.headers["set-cookie"]',
          '*.password',
          '*.token',
        ],
        censor: '[redacted]',
      },
      serializers: {
        // Receives pino's serialized request; only these fields are kept.
        req: (req: {
          id?: unknown;
          method?: string;
          url?: string;
          remoteAddress?: string;
          headers?: Record<string, string>;
        }) => ({
          id: req.id,
          method: req.method,
          url: (req.url ?? '').split('?')[0],
          remoteAddress: req.remoteAddress,
          userAgent: req.headers?.['user-agent'],
        }),
        // A redirect's Location can carry a query string (e.g. ?next=…): only the status is kept.
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/assets/') },
      quietReqLogger: true,
    },
  };
}

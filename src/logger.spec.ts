import type { Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { runWithRequestInfo } from './common/request-info';
import { createLogger, requestLogger } from './logger';
import { driverError } from '../test/utils/driver-error';

// One request through the request logger as the app mounts it, with a line
// written while it is handled; returns the JSON lines.
function logOneRequest(url: string, status = 200): Record<string, unknown>[] {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ logLevel: 'info' }, stream);
  const req = Object.assign(new EventEmitter(), {
    method: 'GET',
    url,
    originalUrl: url,
    readableAborted: false,
    headers: {
      cookie: 'sd_session=secret-session; sd_csrf=secret-csrf',
      authorization: 'Bearer secret-api-key',
      'user-agent': 'Jest/1.0',
    },
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as Request;
  const res = Object.assign(new EventEmitter(), {
    statusCode: status,
    headersSent: true,
    writableEnded: true,
    getHeaders: () => ({ 'set-cookie': ['sd_session=secret-new-session'] }),
  }) as unknown as Response;
  requestLogger(logger)(req, res, () =>
    runWithRequestInfo({ requestId: (req as { id?: number }).id }, () => {
      // What careless code might log: every secret here must be censored.
      logger.info({ token: 'secret-token', form: { password: 'secret-password' } }, 'inside');
      logger.info({ req, res }, 'careless');
    }),
  );
  res.emit('close');
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('request log', () => {
  it('has method, path, status and time, but no cookie, authorization, query or token', () => {
    const lines = logOneRequest('/password-reset?token=secret-query-token&next=%2F');
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
    const completed = lines.find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({
      req: { method: 'GET', url: '/password-reset', remoteAddress: '127.0.0.1', userAgent: 'Jest/1.0' },
      res: { statusCode: 200 },
    });
    expect(typeof completed?.responseTime).toBe('number');
    // Lines written while the request is handled name it.
    const id = (completed?.req as { id: number }).id;
    expect(completed?.reqId).toBe(id);
    expect(lines.find((line) => line.msg === 'inside')?.reqId).toBe(id);
  });

  it('leaves the token of an invitation link out of the path', () => {
    const lines = logOneRequest('/invitations/secret-invitation-token');
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
    expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({
      req: { url: '/invitations/[redacted]' },
    });
  });

  it('logs a failed request as errored, still without secrets', () => {
    const lines = logOneRequest('/dashboard?q=secret', 500);
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
    expect(lines.find((line) => line.msg === 'request errored')).toMatchObject({ res: { statusCode: 500 } });
  });

  it('leaves static assets out', () => {
    expect(logOneRequest('/assets/app/css/app.css').map((line) => line.msg)).toEqual(['inside', 'careless']);
  });
});

describe('error log lines', () => {
  it("keep a database error's type and code, never its SQL or values", () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    createLogger({ logLevel: 'info' }, stream).error({ err: driverError() }, 'Unhandled error');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/insert into|\$argon2id\$/i);
    expect(JSON.parse(lines[0])).toMatchObject({
      err: { type: 'UniqueConstraintViolationException', code: 'SQLITE_CONSTRAINT_UNIQUE' },
    });
  });
});

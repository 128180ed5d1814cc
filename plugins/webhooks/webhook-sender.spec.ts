import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Resolver } from './webhook-address';
import { postOnce, UNREACHABLE } from './webhook-sender';

describe('postOnce', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    hits = 0;
  });

  const options = (allowLoopback: boolean, resolve?: Resolver) => ({
    timeoutMs: 2000,
    signal: new AbortController().signal,
    allowLoopback,
    resolve,
  });
  /** A name whose every answer is counted: rebinding needs a second one. */
  const counting = (address: string) => {
    const calls: string[] = [];
    const resolve: Resolver = (host, _options, callback) => {
      calls.push(host);
      callback(null, [{ address, family: 4 }]);
    };
    return { calls, resolve };
  };

  it('connects to the address its lookup checked, resolving the name once', async () => {
    const dns = counting('127.0.0.1');
    const result = await postOnce(`http://hooks.rebind.test:${port}/in`, '{}', {}, options(true, dns.resolve));
    expect(result).toEqual({ ok: true, status: 204, error: null });
    expect(dns.calls).toEqual(['hooks.rebind.test']);
    expect(hits).toBe(1);
  });

  it('refuses a name that resolves to a refused address without connecting, for good', async () => {
    const dns = counting('127.0.0.1');
    const result = await postOnce(`http://hooks.rebind.test:${port}/in`, '{}', {}, options(false, dns.resolve));
    expect(result).toEqual({
      ok: false,
      status: null,
      error: 'The address 127.0.0.1 of hooks.rebind.test is not allowed (loopback).',
      final: true,
    });
    expect(dns.calls).toEqual(['hooks.rebind.test']);
    expect(hits).toBe(0);
  });

  it('refuses an IP address, however written, without a lookup', async () => {
    const dns = counting('10.0.0.1');
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '2130706433']) {
      const result = await postOnce(`http://${host}:${port}/in`, '{}', {}, options(false, dns.resolve));
      expect(result).toMatchObject({ ok: false, status: null, final: true });
      expect(result.error).toMatch(/^The address (127\.0\.0\.1|::ffff:7f00:1) is not allowed \(loopback\)\.$/);
    }
    expect(dns.calls).toEqual([]);
    expect(hits).toBe(0);
  });

  it('refuses localhost through the system resolver', async () => {
    const result = await postOnce(`http://localhost:${port}/in`, '{}', {}, options(false));
    expect(result.final).toBe(true);
    expect(result.error).toMatch(/^The address (127\.0\.0\.1|::1) of localhost is not allowed \(loopback\)\.$/);
    expect(hits).toBe(0);
  });

  it('reports a closed port, a reset, a silent peer and an unknown name alike, with the cause for the log only', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const silent = http.createServer(() => undefined);
    const resetting = http.createServer((req) => req.socket.destroy());
    for (const peer of [silent, resetting]) await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const portOf = (peer: http.Server) => (peer.address() as AddressInfo).port;
    const unknown: Resolver = (_host, _options, callback) =>
      callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    try {
      const quick = { ...options(true), timeoutMs: 300 };
      const results = await Promise.all([
        postOnce(`http://127.0.0.1:${closedPort.port}/in`, '{}', {}, quick),
        postOnce(`http://127.0.0.1:${portOf(resetting)}/in`, '{}', {}, quick),
        postOnce(`http://127.0.0.1:${portOf(silent)}/in`, '{}', {}, quick),
        postOnce('http://hooks.unknown.test/in', '{}', {}, { ...quick, resolve: unknown }),
      ]);
      for (const result of results) {
        expect(result).toMatchObject({ ok: false, status: null, error: UNREACHABLE });
        expect(result.final).toBeUndefined();
      }
      expect(results.map((result) => result.cause)).toEqual(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND']);
    } finally {
      silent.closeAllConnections();
      for (const peer of [silent, resetting]) await new Promise<void>((resolve) => peer.close(() => resolve()));
    }
  });
});

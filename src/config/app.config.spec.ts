import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultBaseUrl, loadAppConfig } from './app.config';

describe('loadAppConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'seatdesk-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies the defaults of docs/reference/configuration.md', () => {
    const config = loadAppConfig({ DATA_DIR: join(dir, 'data') });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      baseUrl: 'http://127.0.0.1:3000',
      secure: false,
      databasePath: join(dir, 'data', 'seatdesk.db'),
      smtpUrl: null,
      mailFrom: 'SeatDesk <no-reply@localhost>',
      lockoutMaxFailures: 5,
      lockoutSeconds: 900,
      lockoutMaxSeconds: 86400,
      resetTokenTtlSeconds: 1800,
      sessionIdleSeconds: 1800,
      sessionMaxSeconds: 43200,
      passwordMinLength: 12,
      jobs: true,
      plugins: null,
      logLevel: 'info',
      loginRateLimit: 20,
      loginRateLimitPerAddress: 200,
      trustProxy: false,
      reminderDays: [30, 7, 1, 0],
      graceReminderDays: 3,
    });
  });

  it('reads TRUST_PROXY as hops or proxies, never as "trust everyone"', () => {
    const trust = (value: string) => loadAppConfig({ DATA_DIR: join(dir, 'data'), TRUST_PROXY: value }).trustProxy;
    expect(trust('off')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('loopback')).toBe('loopback');
    expect(trust('10.0.0.5, 192.168.0.0/16, fd00::/8, 10.1.0.0/255.255.0.0')).toBe(
      '10.0.0.5,192.168.0.0/16,fd00::/8,10.1.0.0/255.255.0.0',
    );
    for (const bad of ['true', 'on', '*', 'proxy.local', '10.0.0.0/33', '11']) {
      expect(() => trust(bad)).toThrow(ConfigError);
      expect(() => trust(bad)).toThrow(/TRUST_PROXY/);
    }
  });

  it('reads TIME_ZONE as an IANA zone, UTC by default', () => {
    const zone = (env: Record<string, string>) => loadAppConfig({ DATA_DIR: join(dir, 'data'), ...env }).timeZone;
    expect(zone({})).toBe('UTC');
    expect(zone({ TIME_ZONE: 'Europe/Berlin' })).toBe('Europe/Berlin');
    for (const bad of ['Mars/Olympus_Mons', 'CET; drop table', '+01:00']) {
      expect(() => zone({ TIME_ZONE: bad })).toThrow(/TIME_ZONE must be an IANA time zone/);
    }
  });

  it('reads SUPPORT_HOURS and SUPPORT_TIME_ZONE for the SLA clock', () => {
    const load = (env: Record<string, string>) => loadAppConfig({ DATA_DIR: join(dir, 'data'), ...env });
    expect(load({}).supportHours).toEqual({ days: [1, 2, 3, 4, 5], start: 540, end: 1020 });
    expect(load({}).supportTimeZone).toBe('UTC');
    expect(load({ SUPPORT_HOURS: 'Sun-Thu 08:00-16:00' }).supportHours).toEqual({
      days: [0, 1, 2, 3, 4],
      start: 480,
      end: 960,
    });
    expect(load({ SUPPORT_TIME_ZONE: 'Asia/Dubai' }).supportTimeZone).toBe('Asia/Dubai');
    expect(() => load({ SUPPORT_HOURS: 'weekdays' })).toThrow(/SUPPORT_HOURS must be days and hours/);
    expect(() => load({ SUPPORT_TIME_ZONE: 'Nowhere/Land' })).toThrow(/SUPPORT_TIME_ZONE must be an IANA/);
  });

  it('reads SUPPORT_HOLIDAYS as ISO dates and stops the start on a bad one, naming the variable', () => {
    const load = (env: Record<string, string>) => loadAppConfig({ DATA_DIR: join(dir, 'data'), ...env });
    expect(load({}).supportHolidays).toEqual([]);
    expect(load({ SUPPORT_HOLIDAYS: '2027-01-01,2026-12-25' }).supportHolidays).toEqual(['2026-12-25', '2027-01-01']);
    expect(() => load({ SUPPORT_HOLIDAYS: '25/12/2026' })).toThrow(/SUPPORT_HOLIDAYS must be a comma list of dates/);
    expect(() => load({ SUPPORT_HOLIDAYS: '2026-02-30' })).toThrow(/SUPPORT_HOLIDAYS/);
  });

  it('keeps the per-address rate limit at or above the per-account one', () => {
    const load = (env: Record<string, string>) => loadAppConfig({ DATA_DIR: join(dir, 'data'), ...env });
    expect(load({ LOGIN_RATE_LIMIT: '5' }).loginRateLimitPerAddress).toBe(50);
    expect(load({ LOGIN_RATE_LIMIT: '5', LOGIN_RATE_LIMIT_PER_ADDRESS: '7' }).loginRateLimitPerAddress).toBe(7);
    expect(() => load({ LOGIN_RATE_LIMIT: '5', LOGIN_RATE_LIMIT_PER_ADDRESS: '4' })).toThrow(
      /LOGIN_RATE_LIMIT_PER_ADDRESS/,
    );
  });

  it('creates DATA_DIR and a 0600 secret on first start, then reuses it', () => {
    const dataDir = join(dir, 'fresh');
    const first = loadAppConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, 'secret');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.appSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.appSecret);
    expect(loadAppConfig({ DATA_DIR: dataDir }).appSecret).toBe(first.appSecret);
  });

  it('uses a given APP_SECRET without writing a file', () => {
    const config = loadAppConfig({ DATA_DIR: dir, APP_SECRET: 's'.repeat(40) });
    expect(config.appSecret).toBe('s'.repeat(40));
    expect(existsSync(join(dir, 'secret'))).toBe(false);
  });

  // Links in mail must open the origin the browser uses, not localhost beside 127.0.0.1.
  it('derives the default BASE_URL from HOST and PORT', () => {
    expect(loadAppConfig({ DATA_DIR: dir, PORT: '8080' }).baseUrl).toBe('http://127.0.0.1:8080');
    expect(loadAppConfig({ DATA_DIR: dir, HOST: 'Desk.Example.test', PORT: '80' }).baseUrl).toBe(
      'http://desk.example.test',
    );
    expect(loadAppConfig({ DATA_DIR: dir, HOST: '::1' }).baseUrl).toBe('http://[::1]:3000');
    expect(loadAppConfig({ DATA_DIR: dir, HOST: '0.0.0.0', BASE_URL: 'https://desk.example.com' }).baseUrl).toBe(
      'https://desk.example.com',
    );
  });

  it.each([
    ['0.0.0.0', 'http://127.0.0.1:3000'],
    ['::', 'http://[::1]:3000'],
    ['[::]', 'http://[::1]:3000'],
    ['0:0:0:0:0:0:0:0', 'http://[::1]:3000'],
    ['localhost', 'http://localhost:3000'],
    ['192.168.1.20', 'http://192.168.1.20:3000'],
  ])('maps HOST=%s to the default BASE_URL %s', (host, url) => {
    expect(defaultBaseUrl(host, 3000)).toBe(url);
  });

  it('refuses a HOST no default BASE_URL can be made from, unless BASE_URL is set', () => {
    expect(() => loadAppConfig({ DATA_DIR: dir, HOST: 'not a host' })).toThrow(/^Invalid configuration: HOST /);
    expect(loadAppConfig({ DATA_DIR: dir, HOST: 'not a host', BASE_URL: 'http://desk.test' }).baseUrl).toBe(
      'http://desk.test',
    );
  });

  it('turns on secure mode for an https BASE_URL and drops a trailing slash', () => {
    const config = loadAppConfig({ DATA_DIR: dir, BASE_URL: 'https://desk.example.com/' });
    expect(config.secure).toBe(true);
    expect(config.baseUrl).toBe('https://desk.example.com');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['BASE_URL', 'desk.example.com'],
    ['BASE_URL', 'ftp://desk.example.com'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'postgres://db/seatdesk'],
    ['APP_SECRET', 'short'],
    ['SMTP_URL', 'http://mail'],
    ['PASSWORD_MIN_LENGTH', '4'],
    ['PASSWORD_MIN_LENGTH', '65'],
    ['LOCKOUT_MAX_FAILURES', '-1'],
    ['SESSION_IDLE_SECONDS', '1.5'],
    ['JOBS', 'maybe'],
    ['PLUGINS', 'Bad Plugin'],
    ['LOG_LEVEL', 'loud'],
    ['MAIL_FROM', 'nobody'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadAppConfig({ DATA_DIR: dir, [name]: value })).toThrow(ConfigError);
    expect(() => loadAppConfig({ DATA_DIR: dir, [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name} `),
    );
  });

  it('refuses timeouts that contradict each other', () => {
    expect(() => loadAppConfig({ DATA_DIR: dir, SESSION_IDLE_SECONDS: '7200', SESSION_MAX_SECONDS: '3600' })).toThrow(
      /SESSION_MAX_SECONDS/,
    );
    expect(() => loadAppConfig({ DATA_DIR: dir, LOCKOUT_SECONDS: '600', LOCKOUT_MAX_SECONDS: '60' })).toThrow(
      /LOCKOUT_MAX_SECONDS/,
    );
  });

  it('never echoes an SMTP password in its message', () => {
    expect(() => loadAppConfig({ DATA_DIR: dir, SMTP_URL: 'http://user:hunter2@mail' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('parses PLUGINS as a list, with none as safe mode', () => {
    expect(loadAppConfig({ DATA_DIR: dir, PLUGINS: 'webhooks, chat' }).plugins).toEqual(['webhooks', 'chat']);
    expect(loadAppConfig({ DATA_DIR: dir, PLUGINS: 'none' }).plugins).toEqual([]);
  });

  it('reads the renewal reminder stages, refusing what is not a list of days at start', () => {
    const load = (env: Record<string, string>) => loadAppConfig({ DATA_DIR: dir, ...env });
    expect(load({ REMINDER_DAYS: '1, 14,60' }).reminderDays).toEqual([60, 14, 1]);
    expect(load({ REMINDER_DAYS: 'none', GRACE_REMINDER_DAYS: 'none' })).toMatchObject({
      reminderDays: [],
      graceReminderDays: null,
    });
    expect(load({ GRACE_REMINDER_DAYS: '5' }).graceReminderDays).toBe(5);
    for (const [env, message] of [
      [{ REMINDER_DAYS: '30,seven' }, 'REMINDER_DAYS must be "none" or a comma list of days'],
      [{ REMINDER_DAYS: '30,-1' }, 'got "-1"'],
      [{ REMINDER_DAYS: '400' }, 'each 0 to 365'],
      [{ REMINDER_DAYS: '7,7' }, 'REMINDER_DAYS names 7 days twice'],
      [{ REMINDER_DAYS: '30,' }, 'got ""'],
      [{ GRACE_REMINDER_DAYS: '91' }, 'GRACE_REMINDER_DAYS must be between 0 and 90'],
      [{ GRACE_REMINDER_DAYS: 'soon' }, 'GRACE_REMINDER_DAYS must be a whole number'],
    ] as const) {
      expect(() => load(env)).toThrow(ConfigError);
      expect(() => load(env)).toThrow(message);
    }
  });
});

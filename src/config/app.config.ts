import { randomBytes } from 'node:crypto';
import { DEFAULT_SUPPORT_HOURS, parseSupportHolidays, parseSupportHours, type SupportHours } from './support-hours';
import { isTimeZone } from './time-zone';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseDotEnv } from 'dotenv';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  host: string;
  port: number;
  baseUrl: string;
  /** true when BASE_URL is https: Secure cookies, HSTS, upgrade-insecure-requests */
  secure: boolean;
  dataDir: string;
  databasePath: string;
  appSecret: string;
  smtpUrl: string | null;
  mailFrom: string;
  lockoutMaxFailures: number;
  lockoutSeconds: number;
  lockoutMaxSeconds: number;
  resetTokenTtlSeconds: number;
  sessionIdleSeconds: number;
  sessionMaxSeconds: number;
  passwordMinLength: number;
  /** The install's time zone: pages and mail use it for anyone without their own (or their organization's). */
  timeZone: string;
  jobs: boolean;
  /** null means every folder in plugins/; [] is safe mode */
  plugins: string[] | null;
  logLevel: LogLevel;
  /** Per form, a minute, per account (typed address or session's person) and client address. */
  loginRateLimit: number;
  /** Per form, a minute, per client address whatever the account: the ceiling for a whole network. */
  loginRateLimitPerAddress: number;
  /** Express's `trust proxy`: a number of proxy hops, or a comma list of addresses/ranges; false trusts none. */
  trustProxy: string | number | false;
  auditRetentionDays: number;
  smtpTimeoutSeconds: number;
  /** Days a license stays usable after its expiry (grace) before it expires. */
  graceDays: number;
  /** Renewal reminder stages: days before a license's expiry (0 = on the expiry day), largest first. */
  reminderDays: number[];
  /** A reminder this many days before the grace period ends (null: none). */
  graceReminderDays: number | null;
  /** Device activations a minute per product key and client address. */
  activationRateLimit: number;
  /** The largest installer an operator may upload, in MB (1,000,000 bytes). */
  uploadMaxMb: number;
  /** The helpdesk's business hours, for the support SLA clock. */
  supportHours: SupportHours;
  /** The zone the business hours are in. */
  supportTimeZone: string;
  /** Days the helpdesk is closed (ISO dates in the support time zone): the SLA clock does not count them. */
  supportHolidays: readonly string[];
  /** The largest file a support ticket's message may carry, in MB (1,000,000 bytes). */
  attachmentMaxMb: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function str(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be "on" or "off", got "${raw}"`);
}

/**
 * REMINDER_DAYS: a comma list of distinct whole days before the expiry
 * (0 = on it), at most 10 of them, each 0–365; or `none`. Largest first.
 */
export function parseReminderDays(raw: string | undefined): number[] {
  const value = raw?.trim();
  if (value === undefined || value === '') return [30, 7, 1, 0];
  if (value.toLowerCase() === 'none') return [];
  const parts = value.split(',').map((part) => part.trim());
  const days: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 365) {
      throw new ConfigError(
        'REMINDER_DAYS',
        `must be "none" or a comma list of days before the expiry, each 0 to 365 (e.g. 30,7,1,0), got "${part}"`,
      );
    }
    if (days.includes(Number(part))) throw new ConfigError('REMINDER_DAYS', `names ${Number(part)} days twice`);
    days.push(Number(part));
  }
  if (days.length > 10) throw new ConfigError('REMINDER_DAYS', `must name at most 10 stages, got ${days.length}`);
  return days.sort((a, b) => b - a);
}

/** GRACE_REMINDER_DAYS: whole days before the grace period ends, 0–90; or `none`. */
function parseGraceReminderDays(raw: string | undefined): number | null {
  const value = raw?.trim();
  if (value?.toLowerCase() === 'none') return null;
  return int({ GRACE_REMINDER_DAYS: value }, 'GRACE_REMINDER_DAYS', 3, 0, 90);
}

function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('BASE_URL', `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('BASE_URL', `must start with http:// or https://, got "${raw}"`);
  }
  if (url.search || url.hash) throw new ConfigError('BASE_URL', 'must not have a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

/**
 * BASE_URL when unset: where the server listens, so links in mail open the
 * origin the browser already uses. A wildcard address (0.0.0.0, ::) is
 * reached through loopback on this machine; behind a proxy, set BASE_URL.
 */
export function defaultBaseUrl(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let name: string;
  try {
    // The URL parser spells the host canonically: `0:0:0:0:0:0:0:0` becomes `[::]`.
    name = new URL(`http://${isIPv6(bare) ? `[${bare}]` : bare}`).hostname;
  } catch {
    throw new ConfigError('HOST', `"${host}" gives no default BASE_URL: set BASE_URL`);
  }
  if (name === '0.0.0.0') name = '127.0.0.1';
  if (name === '[::]') name = '[::1]';
  return `http://${name}:${port}`;
}

function parseTimeZone(raw: string, variable = 'TIME_ZONE'): string {
  if (!isTimeZone(raw)) {
    throw new ConfigError(variable, `must be an IANA time zone such as UTC or Europe/Berlin, got "${raw}"`);
  }
  return raw;
}

function parseHours(raw: string): SupportHours {
  const hours = parseSupportHours(raw);
  if (!hours) {
    throw new ConfigError('SUPPORT_HOURS', `must be days and hours such as "${DEFAULT_SUPPORT_HOURS}", got "${raw}"`);
  }
  return hours;
}

function parseHolidays(raw: string): string[] {
  const days = parseSupportHolidays(raw);
  if (!days) {
    throw new ConfigError(
      'SUPPORT_HOLIDAYS',
      `must be a comma list of dates such as "2026-12-25,2027-01-01", got "${raw}"`,
    );
  }
  return days;
}

function parseDatabasePath(raw: string): string {
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    throw new ConfigError('DATABASE_URL', 'postgres:// is not supported yet; use sqlite:PATH');
  }
  if (!raw.startsWith('sqlite:')) {
    throw new ConfigError('DATABASE_URL', `must look like sqlite:PATH, got "${raw}"`);
  }
  const path = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (path === '') throw new ConfigError('DATABASE_URL', 'names no file');
  if (path === ':memory:') return path;
  return isAbsolute(path) ? path : resolve(path);
}

function parsePlugins(raw: string | undefined): string[] | null {
  const value = raw?.trim();
  if (value === undefined || value === '') return null;
  if (value === 'none') return [];
  const ids = value.split(',').map((id) => id.trim());
  for (const id of ids) {
    if (!/^[a-z][a-z0-9-]*$/.test(id)) {
      throw new ConfigError('PLUGINS', `must be "none" or a comma list of plugin ids, got "${id}"`);
    }
  }
  return ids;
}

function parseSmtpUrl(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol === 'smtp:' || url.protocol === 'smtps:') return value;
  } catch {
    // fall through to the error below
  }
  // The URL may carry a password: never echo it back.
  throw new ConfigError('SMTP_URL', 'must look like smtp://user:pass@host:587 or smtps://…');
}

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

// One entry of a TRUST_PROXY list: a name Express knows, an address, or a CIDR range.
function trustedProxyEntry(entry: string): boolean {
  if (TRUST_PROXY_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (/^\d+$/.test(prefix)) return Number(prefix) <= (family === 4 ? 32 : 128);
  return family === 4 && isIPv4(prefix); // a netmask, 255.255.255.0
}

/**
 * Which proxies may name the client in X-Forwarded-For: none (off), a number
 * of hops (the nearest N addresses in the chain), or proxies by address.
 * Never "everyone": a client could then write any address it likes.
 */
export function parseTrustProxy(raw: string | undefined): string | number | false {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'off' || value === 'false' || value === '0') return false;
  if (['true', 'on', 'yes', 'all', '*'].includes(value)) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must name what to trust: a number of proxy hops (e.g. 1), "loopback" or the proxies' addresses, got "${value}" (trusting every hop lets any client choose its address)`,
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError('TRUST_PROXY', `must be at most 10 proxy hops, got ${hops}`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !trustedProxyEntry(entry));
  if (bad !== undefined) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be "off", a number of proxy hops, or a comma list of "loopback", addresses and CIDR ranges, got "${bad}"`,
    );
  }
  return entries.join(',');
}

function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < 32) throw new ConfigError('APP_SECRET', `in ${file} is shorter than 32 characters`);
    return secret;
  }
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

/** Reads the process environment merged over a `.env` file in the working directory. */
export function readEnvironment(cwd = process.cwd()): Env {
  const dotEnvFile = join(cwd, '.env');
  const fromFile = existsSync(dotEnvFile) ? parseDotEnv(readFileSync(dotEnvFile)) : {};
  return { ...fromFile, ...process.env };
}

/**
 * The only reader of configuration. Validates every variable once; a bad value
 * throws a ConfigError whose message names the variable. Creates DATA_DIR and,
 * when APP_SECRET is not given, the generated secret file.
 */
export function loadAppConfig(env: Env = readEnvironment()): AppConfig {
  const dataDir = resolve(str(env, 'DATA_DIR', './data'));
  const host = str(env, 'HOST', '127.0.0.1');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const baseUrl = parseBaseUrl(str(env, 'BASE_URL', '') || defaultBaseUrl(host, port));
  const logLevel = str(env, 'LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const lockoutSeconds = int(env, 'LOCKOUT_SECONDS', 900, 1, 31_536_000);
  const lockoutMaxSeconds = int(env, 'LOCKOUT_MAX_SECONDS', 86_400, 1, 31_536_000);
  if (lockoutMaxSeconds < lockoutSeconds) {
    throw new ConfigError('LOCKOUT_MAX_SECONDS', `must not be less than LOCKOUT_SECONDS (${lockoutSeconds})`);
  }
  const sessionIdleSeconds = int(env, 'SESSION_IDLE_SECONDS', 1800, 60, 31_536_000);
  const sessionMaxSeconds = int(env, 'SESSION_MAX_SECONDS', 43_200, 60, 31_536_000);
  if (sessionMaxSeconds < sessionIdleSeconds) {
    throw new ConfigError('SESSION_MAX_SECONDS', `must not be less than SESSION_IDLE_SECONDS (${sessionIdleSeconds})`);
  }
  const givenSecret = env.APP_SECRET?.trim();
  if (givenSecret !== undefined && givenSecret !== '' && givenSecret.length < 32) {
    throw new ConfigError('APP_SECRET', 'must be at least 32 characters');
  }
  const databaseUrl = str(env, 'DATABASE_URL', `sqlite:${join(dataDir, 'seatdesk.db')}`);
  const loginRateLimit = int(env, 'LOGIN_RATE_LIMIT', 20, 1, 100_000);
  const mailFrom = str(env, 'MAIL_FROM', 'SeatDesk <no-reply@localhost>');
  if (!/@/.test(mailFrom)) throw new ConfigError('MAIL_FROM', `must contain an email address, got "${mailFrom}"`);

  const config: Omit<AppConfig, 'appSecret'> = {
    host,
    port,
    baseUrl,
    secure: baseUrl.startsWith('https://'),
    dataDir,
    databasePath: parseDatabasePath(databaseUrl),
    smtpUrl: parseSmtpUrl(env.SMTP_URL),
    mailFrom,
    lockoutMaxFailures: int(env, 'LOCKOUT_MAX_FAILURES', 5, 1, 100),
    lockoutSeconds,
    lockoutMaxSeconds,
    resetTokenTtlSeconds: int(env, 'RESET_TOKEN_TTL_SECONDS', 1800, 60, 604_800),
    sessionIdleSeconds,
    sessionMaxSeconds,
    passwordMinLength: int(env, 'PASSWORD_MIN_LENGTH', 12, 8, 64),
    timeZone: parseTimeZone(str(env, 'TIME_ZONE', 'UTC')),
    jobs: onOff(env, 'JOBS', true),
    plugins: parsePlugins(env.PLUGINS),
    logLevel,
    loginRateLimit,
    loginRateLimitPerAddress: int(env, 'LOGIN_RATE_LIMIT_PER_ADDRESS', loginRateLimit * 10, loginRateLimit, 1_000_000),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    auditRetentionDays: int(env, 'AUDIT_RETENTION_DAYS', 365, 1, 36_500),
    smtpTimeoutSeconds: int(env, 'SMTP_TIMEOUT_SECONDS', 20, 1, 600),
    graceDays: int(env, 'GRACE_DAYS', 14, 0, 90),
    reminderDays: parseReminderDays(env.REMINDER_DAYS),
    graceReminderDays: parseGraceReminderDays(env.GRACE_REMINDER_DAYS),
    activationRateLimit: int(env, 'ACTIVATION_RATE_LIMIT', 30, 1, 1_000_000),
    uploadMaxMb: int(env, 'UPLOAD_MAX_MB', 512, 1, 100_000),
    supportHours: parseHours(str(env, 'SUPPORT_HOURS', DEFAULT_SUPPORT_HOURS)),
    supportTimeZone: parseTimeZone(str(env, 'SUPPORT_TIME_ZONE', 'UTC'), 'SUPPORT_TIME_ZONE'),
    supportHolidays: parseHolidays(str(env, 'SUPPORT_HOLIDAYS', '')),
    attachmentMaxMb: int(env, 'ATTACHMENT_MAX_MB', 10, 1, 100),
  };

  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new ConfigError(
      'DATA_DIR',
      `cannot be created at ${dataDir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  const appSecret = givenSecret ? givenSecret : readOrCreateSecret(dataDir);
  return { ...config, appSecret };
}

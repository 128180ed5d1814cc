import Database, { type Statement } from 'better-sqlite3';
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { keysetClause, pageLinks, pageRequest, toPage, type PageRequest } from '../src/common/pagination';
import { deriveKeyBytes } from '../src/common/security/keys';
import { navFor, ROLE_LABELS, type NavItem } from '../src/common/view/navigation';
import { createViewEngine } from '../src/common/view/view-engine';
import { VIEWS_DIR } from '../src/config/paths';
import { invoiceRowView, paymentView } from '../src/modules/billing/billing.view';
import { INVOICE_PROVIDER, TEST_PROVIDER } from '../src/modules/billing/payment-providers';
import {
  invoiceListQuery,
  PAYMENT,
  type InvoiceListRow,
  type PaymentRow,
} from '../src/modules/billing/invoices.repository';
import { EXPIRY_ALERT_DAYS, installOverviewView, startOfDay } from '../src/modules/dashboard/install-overview.widget';
import { quickActionsView } from '../src/modules/dashboard/quick-actions.widget';
import {
  ORGANIZATION_COUNT_SQL,
  organizationListQuery,
  organizationNamesSql,
} from '../src/modules/organizations/organizations.repository';
import type { Platform } from '../src/modules/catalog/platforms';
import { deviceListView, parseDeviceList } from '../src/modules/devices/device.view';
import {
  attentionQuery,
  deviceListQuery,
  INSTALL_SUMMARY_SQL,
  nameKey,
  ORGANIZATION_SUMMARY_SQL,
  OWNER_SUMMARY_SQL,
  type DeviceRow,
} from '../src/modules/devices/devices.repository';
import { ATTENTION_LIMIT, attentionCardView, protectionCardView } from '../src/modules/devices/devices.widgets';
import type { Protection } from '../src/modules/devices/protection';
import { foundPersonView } from '../src/modules/helpdesk/helpdesk.view';
import {
  EXPIRING_COUNT_SQL,
  licenseListQuery,
  SEAT_TOTALS_SQL,
  type LicenseRow,
} from '../src/modules/licenses/licenses.repository';
import type { LicenseListItem } from '../src/modules/licenses/licenses.service';
import { subscriptionsCardView } from '../src/modules/licenses/subscriptions.widget';
import { parsePeopleList, peopleListView } from '../src/modules/people/people-list';
import {
  peopleCountSql,
  peopleListSql,
  peopleSearchSql,
  TWO_FACTOR_SUMMARY_SQL,
  type PersonRow as ListedPersonRow,
  type PersonSearchRow,
} from '../src/modules/people/people.repository';
import { PeopleService } from '../src/modules/people/people.service';
import { staffListQuery, type StaffRow } from '../src/modules/people/people.repository';
import type { Principal } from '../src/common/http/principal';
import { queuePageView } from '../src/modules/support/queue-page';
import { parseQueue } from '../src/modules/support/queue-query';
import { queueViewsView } from '../src/modules/support/queue-views';
import {
  savedSearchRow,
  visibleToQuery,
  type Stored as StoredSavedSearch,
} from '../src/modules/support/saved-searches.repository';
import { DEFAULT_SUPPORT_HOURS, parseSupportHolidays, parseSupportHours } from '../src/modules/support/sla';
import { slaView } from '../src/modules/support/sla.service';
import {
  queueKey,
  ticketListQuery,
  viewCountsQuery,
  type QueueView,
  type TicketRow,
} from '../src/modules/support/tickets.repository';
import { ACTION_COUNT_FROM_ID_SQL, FIRST_ID_SINCE_SQL } from '../src/platform/audit/audit.repository';
import { applyPragmas } from '../src/platform/database/orm.config';
import { lastOutcomesSql } from '../src/platform/jobs/jobs.repository';
import { MAIL_STATUS_COUNT_SQL } from '../src/platform/mail/mail-outbox.repository';

// The providers SeatDesk ships, by id: what a payment row's provider is called on the page.
const PROVIDER_LABELS = new Map([INVOICE_PROVIDER, TEST_PROVIDER].map((provider) => [provider.id, provider.label]));

// The floor: what /admin/organizations, /dashboard, an organization's people
// list (/org/users), the helpdesk search (/admin/users?q=), the device list
// (/devices) and the billing history's invoices and payments
// (/billing/history) cost with nothing but node:http, better-sqlite3 prepared statements and Handlebars templates
// compiled once. Same session cookie (HS256 JWT naming a session row), same
// SQL, same templates, helpers and partials, same headers and bytes; only the
// framework is missing. Started by bench/hot-path.bench.ts:
//   DATABASE_PATH, APP_SECRET, PORT, FLOOR_NAV (the app's navigation as JSON).

interface SessionRow {
  id: string;
  personId: string;
  lastSeenAt: number;
  expiresAt: number;
  endedAt: number | null;
  stage: 'active' | 'two_factor' | 'enrol';
}

interface PersonRow {
  id: string;
  name: string;
  email: string;
  role: keyof typeof ROLE_LABELS;
  status: string;
  organizationId: string | null;
  timeZone: string | null;
}

interface OrganizationRow {
  id: string;
  name: string;
  createdAt: number;
  suspendedAt: number | null;
  peopleCount?: number;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`floor: ${name} is not set`);
  return value;
};

const appSecret = env('APP_SECRET');
const navItems = JSON.parse(env('FLOOR_NAV')) as NavItem[];
// The registered jobs' names, for the operators' "failing jobs" (JobsService.failingCount).
const jobNames = JSON.parse(process.env.FLOOR_JOBS ?? '[]') as string[];
const installTimeZone = process.env.FLOOR_TIME_ZONE ?? 'UTC';
// The app's defaults (plain http, so no __Host- prefix and no Secure).
const SESSION_IDLE_MS = 1800 * 1000;
const TOUCH_EVERY_MS = 60_000;
const SESSION_COOKIE = 'sd_session';
const CSRF_COOKIE = 'sd_csrf';

const db = new Database(env('DATABASE_PATH'));
applyPragmas(db);

// What every request reads, as the owning repositories read it: the session
// (auth), its person (people), the organization's sign-in rules (organizations).
const findSession = db.prepare<[string], SessionRow>(
  `select id, person_id as personId, last_seen_at as lastSeenAt, expires_at as expiresAt, ended_at as endedAt,
              stage, confirmed_at as confirmedAt
         from sessions where id = ?`,
);
const findPerson = db.prepare<[string], PersonRow>(
  `select id, name, email, role, status, organization_id as organizationId, time_zone as timeZone
         from people where id = ?`,
);
const organizationName = db.prepare<
  [string],
  { name: string; sessionIdleSeconds: number | null; timeZone: string | null }
>(
  `select name, require_two_factor as required, suspended_at is not null as suspended,
              session_idle_seconds as sessionIdleSeconds, time_zone as timeZone
         from organizations where id = ?`,
);
// The dashboard's sign-in security card: the person, the secrets, the organization's rule, the codes left.
const securityProfile = db.prepare<[string], { totpEnabledAt: number | null; organizationId: string | null }>(
  `select id, email, name, status, role, organization_id as organizationId,
  totp_enabled_at as totpEnabledAt, anti_phishing_phrase as antiPhishingPhrase from people where id = ?`,
);
const secrets = db.prepare<[string], unknown>(
  `select secret, pending_secret as pendingSecret, last_step as lastStep
         from two_factor_secrets where person_id = ?`,
);
const requiresTwoFactor = db.prepare<[string], { required: number }>(
  'select require_two_factor as required from organizations where id = ?',
);
const codesLeft = db.prepare<[string], { n: number }>(
  `select count(*) as n from recovery_codes where person_id = ? and used_at is null`,
);
const touchSession = db.prepare<[number, string]>(
  'update sessions set last_seen_at = ? where id = ? and ended_at is null',
);

// The operators' "Install overview" card: the owning repositories' statements, then the card's own view.
const installStatements = {
  organizations: db.prepare<[], { n: number }>(ORGANIZATION_COUNT_SQL),
  seats: db.prepare<[], { sold: number | null; used: number | null }>(SEAT_TOTALS_SQL),
  expiring: db.prepare<[number, number], { n: number }>(EXPIRING_COUNT_SQL),
  devices: db.prepare<[], { protection: string; n: number }>(INSTALL_SUMMARY_SQL),
  mail: db.prepare<[string], { n: number }>(MAIL_STATUS_COUNT_SQL),
  jobs: jobNames.length ? db.prepare<string[], { outcome: string }>(lastOutcomesSql(jobNames.length)) : null,
  firstIdSince: db.prepare<[number], { id: number }>(FIRST_ID_SINCE_SQL),
  actionCount: db.prepare<[string, number], { n: number }>(ACTION_COUNT_FROM_ID_SQL),
  twoFactor: db.prepare<[], { twoFactor: number; n: number }>(TWO_FACTOR_SUMMARY_SQL),
};
function installOverview(now: number) {
  const s = installStatements;
  const today = startOfDay(new Date(now));
  const seats = s.seats.get()!;
  const first = s.firstIdSince.get(+today);
  const twoFactor = s.twoFactor.all();
  return installOverviewView(
    {
      organizations: s.organizations.get()!.n,
      seats: { sold: seats.sold ?? 0, used: seats.used ?? 0 },
      expiring: s.expiring.get(now, now + EXPIRY_ALERT_DAYS * 86_400_000)!.n,
      unprotected: s.devices.all().find((row) => row.protection === 'unprotected')?.n ?? 0,
      failedMail: s.mail.get('failed')!.n,
      failingJobs: (s.jobs?.all(...jobNames) ?? []).filter((run) => run.outcome === 'failed').length,
      lockoutsToday: first ? s.actionCount.get('auth.lockout.started', first.id)!.n : 0,
      twoFactor: {
        active: twoFactor.reduce((sum, row) => sum + row.n, 0),
        withTwoFactor: twoFactor.find((row) => row.twoFactor === 1)?.n ?? 0,
      },
    },
    today,
  );
}

// The organizations repository's list SQL itself; one prepared statement per
// shape (search or not, cursor or not, direction).
const listStatements = new Map<string, Statement<unknown[], OrganizationRow>>();
function listOrganizations(request: ReturnType<typeof pageRequest>, search?: string): OrganizationRow[] {
  const { sql, params } = organizationListQuery(request, search);
  let statement = listStatements.get(sql);
  if (!statement) listStatements.set(sql, (statement = db.prepare(sql)));
  return statement.all(...params);
}

// The people module's count for one page of organizations: one grouped query.
const countStatements = new Map<number, Statement<unknown[], { organizationId: string; n: number }>>();
function countPeople(ids: string[]): Map<string, number> {
  if (ids.length === 0) return new Map();
  let statement = countStatements.get(ids.length);
  if (!statement) {
    statement = db.prepare(peopleCountSql(ids.length));
    countStatements.set(ids.length, statement);
  }
  return new Map(statement.all(...ids).map((row) => [row.organizationId, row.n]));
}

// The people module's list and search SQL itself, and the organizations
// module's names for a page of results; prepared once per shape.
const statements = new Map<string, Statement<unknown[], unknown>>();
function all<T>(query: { sql: string; params: unknown[] }): T[] {
  let statement = statements.get(query.sql);
  if (!statement) statements.set(query.sql, (statement = db.prepare(query.sql)));
  return statement.all(...query.params) as T[];
}

// HS256 with the key the app derives for session tokens.
const jwtKey = createSecretKey(deriveKeyBytes(appSecret, 'session-jwt'));
function verifySessionToken(token: string, now: number): string | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', jwtKey).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as { alg?: string };
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as { sid?: unknown; exp?: number };
    if (header.alg !== 'HS256' || typeof payload.exp !== 'number' || now / 1000 >= payload.exp) return null;
    return typeof payload.sid === 'string' ? payload.sid : null;
  } catch {
    return null;
  }
}

// The double-submit token as csrf-csrf makes it: HMAC of the session cookie
// and a random value, reused while the cookie's token is still valid.
const csrfSecret = createSecretKey(Buffer.from(deriveKeyBytes(appSecret, 'csrf').toString('hex'), 'utf8'));
const csrfHmac = (session: string, random: string) =>
  createHmac('sha256', csrfSecret).update(`${session.length}!${session}!${random.length}!${random}`).digest('hex');
function csrfToken(cookies: Map<string, string>): string {
  const session = cookies.get(SESSION_COOKIE) ?? '';
  const current = cookies.get(CSRF_COOKIE);
  if (current) {
    const [hmac, random] = current.split('.');
    if (hmac && random && csrfHmac(session, random) === hmac) return current;
  }
  const random = randomBytes(32).toString('hex');
  return `${csrfHmac(session, random)}.${random}`;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) cookies.set(pair.slice(0, eq).trim(), decodeURIComponent(pair.slice(eq + 1).trim()));
  }
  return cookies;
}

// The templates, helpers and partials the app renders with, compiled once.
const hbs = createViewEngine([{ dir: join(VIEWS_DIR, 'partials') }]);
const compile = (view: string) => {
  const template = (
    hbs.handlebars as unknown as { compile(source: string): (context: object, options: object) => string }
  ).compile(readFileSync(join(VIEWS_DIR, `${view}.hbs`), 'utf8'));
  return template;
};
const layout = compile('layouts/main');
const pages = {
  organizations: compile('organizations/index'),
  dashboard: compile('dashboard/index'),
  people: compile('people/index'),
  helpdesk: compile('helpdesk/index'),
  devices: compile('devices/index'),
  billing: compile('billing/history'),
  supportQueue: compile('support/admin-index'),
};
const ROUTES: Record<string, keyof typeof pages> = {
  '/admin/organizations': 'organizations',
  '/dashboard': 'dashboard',
  '/org/users': 'people',
  '/admin/users': 'helpdesk',
  '/devices': 'devices',
  '/billing/history': 'billing',
  '/admin/support': 'supportQueue',
};
const RUNTIME = { allowProtoMethodsByDefault: true, allowProtoPropertiesByDefault: true };

// The security headers the app's helmet configuration sends, as one constant list.
const STATIC_HEADERS: [string, string][] = [
  [
    'Content-Security-Policy',
    "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';form-action 'self';frame-ancestors 'none';object-src 'none';base-uri 'self'",
  ],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'same-origin'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
  ['Cache-Control', 'no-store'],
];

function send(res: ServerResponse, status: number, body: string, cookie?: string): void {
  for (const [name, value] of STATIC_HEADERS) res.setHeader(name, value);
  if (cookie) res.setHeader('Set-Cookie', cookie);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.statusCode = status;
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://floor');
  const page = ROUTES[url.pathname] ?? null;
  if (req.method !== 'GET' || !page) return send(res, 404, 'Not found');

  const now = Date.now();
  const cookies = parseCookies(req.headers.cookie);
  const token = cookies.get(SESSION_COOKIE);
  const sid = token ? verifySessionToken(token, now) : null;
  const session = sid ? findSession.get(sid) : undefined;
  const person = session && session.endedAt === null ? findPerson.get(session.personId) : undefined;
  const row = session && person ? { ...session, ...person, id: session.id } : undefined;
  if (
    !row ||
    row.endedAt !== null ||
    row.status !== 'active' ||
    row.stage !== 'active' ||
    now >= row.expiresAt ||
    now - row.lastSeenAt >= SESSION_IDLE_MS
  ) {
    res.setHeader('Location', '/login');
    return send(res, 303, '');
  }
  if (now - row.lastSeenAt >= TOUCH_EVERY_MS) touchSession.run(now, row.id);
  const org = row.organizationId ? organizationName.get(row.organizationId) : undefined;
  const orgName = org?.name ?? null;
  if (page === 'organizations' && row.role !== 'operator') return send(res, 403, 'Forbidden');
  if (page === 'people' && (row.role !== 'admin' || !row.organizationId)) return send(res, 403, 'Forbidden');
  if (page === 'helpdesk' && row.role !== 'helpdesk' && row.role !== 'operator') return send(res, 403, 'Forbidden');
  if (page === 'devices' && ((row.role !== 'admin' && row.role !== 'member') || !row.organizationId)) {
    return send(res, 403, 'Forbidden');
  }
  if (page === 'billing' && (row.role !== 'admin' || !row.organizationId)) return send(res, 403, 'Forbidden');
  if (page === 'supportQueue' && row.role !== 'helpdesk' && row.role !== 'operator') return send(res, 403, 'Forbidden');
  // The orders tab is not drawn here.
  if (page === 'billing' && url.searchParams.get('show') === 'orders') return send(res, 404, 'Not found');

  const csrf = csrfToken(cookies);
  const locals: Record<string, unknown> = {
    currentUser: { name: row.name, email: row.email, roleLabel: ROLE_LABELS[row.role] },
    nav: navFor(row.role, url.pathname, navItems),
    csrfToken: csrf,
    flash: [],
    cache: true,
    timeZone: row.timeZone ?? org?.timeZone ?? installTimeZone,
  };
  if (page === 'organizations') {
    const query = Object.fromEntries(url.searchParams);
    const q = (query.q ?? '').trim();
    const request = pageRequest(query, 2);
    const found = toPage(listOrganizations(request, q.slice(0, 120) || undefined), request, (r) => [r.name, r.id]);
    const counts = countPeople(found.rows.map((r) => r.id));
    for (const r of found.rows) r.peopleCount = counts.get(r.id) ?? 0;
    Object.assign(locals, {
      title: 'Organizations',
      breadcrumbs: [{ label: 'Organizations' }],
      q,
      isSearch: q !== '',
      // As the organizations controller shows each row's status.
      rows: found.rows.map((r) => ({
        ...r,
        ...(r.suspendedAt !== null
          ? { status: 'suspended', statusLabel: 'Suspended', statusColor: 'secondary' }
          : { status: 'active', statusLabel: 'Active', statusColor: 'green' }),
      })),
      ...pageLinks('/admin/organizations', { q }, found),
    });
  } else if (page === 'people') {
    Object.assign(locals, peoplePage(row.organizationId!, Object.fromEntries(url.searchParams), now));
  } else if (page === 'helpdesk') {
    Object.assign(locals, helpdeskPage(Object.fromEntries(url.searchParams), now));
  } else if (page === 'devices') {
    const scope = {
      organizationId: row.organizationId!,
      ...(row.role === 'member' ? { ownerId: row.personId } : {}),
    };
    Object.assign(locals, devicesPage(scope, row.role === 'admin', Object.fromEntries(url.searchParams)));
  } else if (page === 'billing') {
    Object.assign(locals, billingHistoryPage(row.organizationId!, Object.fromEntries(url.searchParams)));
  } else if (page === 'supportQueue') {
    Object.assign(locals, supportQueuePage(row.personId, Object.fromEntries(url.searchParams), now));
  } else {
    Object.assign(locals, {
      title: 'Dashboard',
      breadcrumbs: [{ label: 'Dashboard' }],
      greetingName: row.name,
      roleLabel: ROLE_LABELS[row.role],
      orgName: orgName ?? undefined,
      // The cards in the modules' order: an operator's overview or an organization's cards (dashboard,
      // licenses, devices), then sign-in security (account).
      widgets: [
        ...(row.role === 'admin' || row.role === 'member' ? organizationCards(row) : []),
        ...(row.role === 'operator'
          ? [
              {
                id: 'install-overview',
                title: 'Install overview',
                partial: 'dashboard/install-overview',
                data: installOverview(now),
              },
            ]
          : []),
        {
          id: 'account-security',
          title: 'Sign-in security',
          partial: 'account/security-widget',
          data: securityCard(row.personId),
        },
      ],
    });
  }
  locals.body = pages[page](locals, RUNTIME);
  // The cookie only when the token is new, as the app does.
  const cookie =
    cookies.get(CSRF_COOKIE) === csrf ? undefined : `${CSRF_COOKIE}=${csrf}; Path=/; HttpOnly; SameSite=Lax`;
  send(res, 200, layout(locals, RUNTIME), cookie);
}

// As the people controller and service build /org/users.
function peoplePage(orgId: string, query: Record<string, string>, now: number) {
  const filter = parsePeopleList(query);
  const request = pageRequest(query, 2);
  const rows = all<ListedPersonRow>(peopleListSql(orgId, filter, request, now));
  const found = toPage(rows, request, (r) => [r.sortKey, r.id]);
  return peopleListView(filter, found, now);
}

// As the helpdesk controller and service build /admin/users (no person finders registered).
function helpdeskPage(query: Record<string, string>, now: number) {
  const q = (query.q ?? '').trim().slice(0, 120);
  const request = pageRequest(query, 1);
  const search = PeopleService.parseSearch(q);
  const found = search
    ? toPage(all<PersonSearchRow>(peopleSearchSql(search, request)), request, (r) => [r.sortKey])
    : { rows: [] as PersonSearchRow[], nextCursor: null, prevCursor: null };
  const ids = [...new Set(found.rows.map((r) => r.organizationId).filter((id): id is string => id !== null))];
  const names = new Map(
    ids.length
      ? all<{ id: string; name: string }>({ sql: organizationNamesSql(ids.length), params: ids }).map((r) => [
          r.id,
          r.name,
        ])
      : [],
  );
  return {
    title: 'People',
    breadcrumbs: [{ label: 'People' }],
    q,
    searched: search !== null,
    rows: found.rows.map((r) =>
      foundPersonView({ ...r, organizationName: r.organizationId ? (names.get(r.organizationId) ?? null) : null }, now),
    ),
    ...pageLinks('/admin/users', { q }, found),
  };
}

// The catalog's products and plans of a page of licenses (LicensesService.withNames).
interface ProductRow {
  id: string;
  sku: string;
  name: string;
  platforms: string;
  agentVersion: string;
}
function licensesOf(organizationId: string): LicenseListItem[] {
  const rows = all<Omit<LicenseRow, 'autoRenew'> & { autoRenew: number }>(
    licenseListQuery({ organizationId }, { after: null, before: null, limit: 500 }),
  ).slice(0, 500);
  if (rows.length === 0) return [];
  const productIds = [...new Set(rows.map((r) => r.productId))];
  const planIds = [...new Set(rows.map((r) => r.planId))];
  const products = new Map(
    all<ProductRow>({
      sql: `select id, sku, name, platforms, agent_version as agentVersion, created_at as createdAt,
  updated_at as updatedAt from products where id in (${productIds.map(() => '?').join(', ')})`,
      params: productIds,
    }).map((p) => [p.id, p]),
  );
  const plans = new Map(
    all<{ id: string; edition: string; termMonths: number }>({
      sql: `select id, product_id as productId, edition, seats, term_months as termMonths,
  price_per_seat_minor as pricePerSeatMinor, currency from plans where id in (${planIds.map(() => '?').join(', ')})`,
      params: planIds,
    }).map((p) => [p.id, p]),
  );
  return rows.map((r) => {
    const product = products.get(r.productId)!;
    const plan = plans.get(r.planId)!;
    return {
      ...r,
      autoRenew: r.autoRenew === 1,
      product: { ...product, platforms: product.platforms.split(',') as Platform[] },
      plan: { id: plan.id, edition: plan.edition, termMonths: plan.termMonths },
    } as LicenseListItem;
  });
}

// As the devices controller and service build /devices: the list (the
// repository's deviceListQuery), the summary the triggers keep, the
// organization's licenses and the owners' names.
function devicesPage(
  scope: { organizationId: string; ownerId?: string },
  isAdmin: boolean,
  query: Record<string, string>,
) {
  const list = parseDeviceList(query);
  const request = pageRequest(query, 2);
  const rows = all<DeviceRow>(deviceListQuery({ ...list.filter, ...scope }, request));
  const found = toPage(rows, request, (r) => [nameKey(r.name), r.id]);
  const summary = protectionCounts(scope);
  const licenseList = licensesOf(scope.organizationId);
  const ownerIds = [...new Set(found.rows.map((r) => r.ownerId).filter((id): id is string => id !== null))];
  const owners = new Map(
    ownerIds.length
      ? all<{ id: string; name: string; email: string }>({
          sql: `select id, name, email from people where organization_id = ? and id in (${ownerIds.map(() => '?').join(', ')})`,
          params: [scope.organizationId, ...ownerIds],
        }).map((r) => [r.id, { name: r.name, email: r.email }])
      : [],
  );
  const names = { licenses: new Map(licenseList.map((l) => [l.id, l])), owners };
  return deviceListView({ list, page: found, summary, names, licenseList, isAdmin, now: Date.now() });
}

// As the billing history controller builds /billing/history for its invoices
// and payments tabs: the repository's invoiceListQuery, its payments SQL
// (PAYMENT and the same keyset) and the views' invoiceRowView and paymentView.
const BILLING_SHOWS = ['invoices', 'orders', 'payments'] as const;
const BILLING_LABELS = { invoices: 'Invoices', orders: 'Orders', payments: 'Payments' } as const;
function paymentListQuery(organizationId: string, request: PageRequest) {
  const keyset = keysetClause(request, 'created_at', 'id', 'desc');
  return {
    sql: `${PAYMENT} where organization_id = ? ${keyset.where ? `and ${keyset.where}` : ''}
        order by ${keyset.orderBy} limit ?`,
    params: [organizationId, ...keyset.params, request.limit + 1],
  };
}
function billingHistoryPage(organizationId: string, query: Record<string, string>) {
  const show = query.show === 'payments' ? 'payments' : 'invoices';
  const request = pageRequest(query, 2);
  const page =
    show === 'invoices'
      ? (() => {
          const found = toPage(all<InvoiceListRow>(invoiceListQuery({ organizationId }, request)), request, (r) => [
            r.issuedAt,
            r.id,
          ]);
          return { ...found, rows: found.rows.map(invoiceRowView) };
        })()
      : (() => {
          const found = toPage(all<PaymentRow>(paymentListQuery(organizationId, request)), request, (r) => [
            r.createdAt,
            r.id,
          ]);
          return {
            ...found,
            rows: found.rows.map((row) => paymentView(row, PROVIDER_LABELS.get(row.provider) ?? row.provider)),
          };
        })();
  return {
    title: 'Billing history',
    breadcrumbs: [{ label: 'Billing', href: '/billing' }, { label: 'History' }],
    tabs: BILLING_SHOWS.map((s) => ({
      label: BILLING_LABELS[s],
      href: `/billing/history?show=${s}`,
      active: s === show,
    })),
    showInvoices: show === 'invoices',
    showOrders: false,
    showPayments: show === 'payments',
    csvHref: `/billing/history.csv?show=${show}`,
    rows: page.rows,
    ...pageLinks('/billing/history', { show }, page),
  };
}

// As the admin support controller builds /admin/support: the queue's view
// and filters (parseQueue), ticketListQuery and the view's keyset, the views'
// bounded counts (viewCountsQuery) and the saved searches the agent sees
// (visibleToQuery) for the tabs and links (queueViewsView), the
// organizations' first page (organizationListQuery and the people counts, as
// OrganizationsService.list) and the staff list for the selects and the bulk
// bar, the page's organization names in one statement, each row's SLA due time
// (slaView: the pause and the holidays), then the page's view (queuePageView).
const supportHours = {
  ...parseSupportHours(process.env.SUPPORT_HOURS ?? DEFAULT_SUPPORT_HOURS)!,
  holidays: parseSupportHolidays(process.env.SUPPORT_HOLIDAYS ?? '')!,
};
const supportTimeZone = process.env.SUPPORT_TIME_ZONE ?? 'UTC';
const QUEUE_CHOICES = 200;
function supportQueuePage(personId: string, query: Record<string, string>, now: number) {
  const { filter, kept } = parseQueue(query, { personId } as Principal);
  const request = pageRequest(query, 2);
  const found = toPage(all<TicketRow>(ticketListQuery(filter, request)), request, queueKey(filter.view));
  const counts = all<Record<QueueView, number>>(viewCountsQuery(personId))[0];
  const saved = all<StoredSavedSearch>(visibleToQuery(personId)).map(savedSearchRow);
  const choices = { after: null, before: null, limit: QUEUE_CHOICES };
  const orgs = toPage(listOrganizations(choices), choices, (r) => [r.name, r.id]);
  countPeople(orgs.rows.map((r) => r.id));
  const staff = toPage(all<StaffRow>(staffListQuery(undefined, choices)), choices, (r) => [r.name, r.id]);
  const ids = [...new Set(found.rows.map((r) => r.organizationId))];
  const orgNames = new Map(
    ids.length
      ? all<{ id: string; name: string }>({ sql: organizationNamesSql(ids.length), params: ids }).map((r) => [
          r.id,
          r.name,
        ])
      : [],
  );
  return queuePageView({
    personId,
    kept,
    page: found,
    organizations: orgs.rows,
    staff: staff.rows,
    orgNames,
    due: (row) => slaView(row, supportHours, supportTimeZone, now).next,
    queueViews: queueViewsView(personId, kept, query, counts, saved),
  });
}

// The devices service's summary: the organization's from device_summary, a member's through the owner index.
function protectionCounts(scope: { organizationId: string; ownerId?: string }): Record<Protection, number> {
  const counted = scope.ownerId
    ? all<{ protection: Protection; n: number }>({ sql: OWNER_SUMMARY_SQL, params: [scope.ownerId] })
    : all<{ protection: Protection; n: number }>({ sql: ORGANIZATION_SUMMARY_SQL, params: [scope.organizationId] });
  const summary: Record<Protection, number> = { protected: 0, at_risk: 0, unprotected: 0 };
  for (const r of counted) summary[r.protection] = r.n;
  return summary;
}

// An organization's people's cards, in the modules' order (dashboard, licenses, devices), as their widgets load
// them; a card with no data (no organization, no action) is left out, as DashboardService does.
function organizationCards(row: { role: PersonRow['role']; personId: string; organizationId: string | null }) {
  // The app passes the modules' navigation; FLOOR_NAV adds the plugins' (none in the benches).
  const cards: { id: string; title: string; partial: string; data: unknown }[] = [];
  const quick = quickActionsView(row.role, navItems);
  if (quick)
    cards.push({ id: 'quick-actions', title: 'Quick actions', partial: 'dashboard/quick-actions', data: quick });
  if (!row.organizationId) return cards;
  const scope = {
    organizationId: row.organizationId,
    ...(row.role === 'member' ? { ownerId: row.personId } : {}),
  };
  const now = Date.now();
  cards.push(
    {
      id: 'subscriptions',
      title: 'Subscriptions',
      partial: 'licenses/subscriptions-widget',
      data: subscriptionsCardView(licensesOf(row.organizationId), now, row.role === 'admin'),
    },
    {
      id: 'protection',
      title: 'Protection',
      partial: 'devices/protection-widget',
      data: protectionCardView(protectionCounts(scope), row.role === 'member'),
    },
    {
      id: 'attention',
      title: 'Needs attention',
      partial: 'devices/attention-widget',
      data: attentionCardView(all<DeviceRow>(attentionQuery(scope, ATTENTION_LIMIT))),
    },
  );
  return cards;
}

function securityCard(personId: string) {
  const profile = securityProfile.get(personId)!;
  secrets.get(personId);
  const required = profile.organizationId ? requiresTwoFactor.get(profile.organizationId)?.required === 1 : false;
  const on = profile.totpEnabledAt !== null;
  const left = on ? codesLeft.get(personId)!.n : 0;
  return { twoFactorOn: on, required, recoveryCodesLeft: left, fewCodes: on && left < 3 };
}

const server = createServer((req, res) => {
  try {
    handle(req, res);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) send(res, 500, 'Error');
  }
});
server.listen(Number(env('PORT')), '127.0.0.1', () => console.log('floor listening'));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}

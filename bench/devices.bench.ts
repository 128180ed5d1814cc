import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { createLicense, createOrganization, createPerson, createProduct } from '../seeds/factories';
import { AppModule } from '../src/app.module';
import { encodeCursor, pageRequest } from '../src/common/pagination';
import { loadAppConfig } from '../src/config/app.config';
import type { Platform } from '../src/modules/catalog/platforms';
import { deviceListQuery, nameKey, type DeviceListFilter } from '../src/modules/devices/devices.repository';
import { protectionOf } from '../src/modules/devices/protection';
import { licenseListQuery } from '../src/modules/licenses/licenses.repository';
import { MODULE_CATALOG } from '../src/platform/module-host/module-catalog';
import { PluginRegistry } from '../src/platform/plugin-host/plugin-registry';
import type { ScaledRow } from './compare';
import { browserCookie, compare, generateOrganizations, LOAD, runSideBySide, SECRET } from './lib';

// /devices (first page, a deep keyset page, a filtered page) and /dashboard
// as an org admin of one big organization holding 1,000 and then 100,000
// devices, among 10,000 licenses of other organizations (two devices each),
// SeatDesk against its floor (bench/floor.ts) on the same database file, as
// bench/hot-path.bench.ts runs them (servers on core 1, autocannon on core 0;
// BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS). Ratios to read:
// floor÷SeatDesk (target within 2×), 100k÷1k CPU per request (target under
// 1.2: every query answered by an index, the summary counts read from
// device_summary) and SeatDesk against a generic admin panel's figures.
// EXPLAIN QUERY PLAN of each route's SQL at the largest scale. Figures only,
// not a pass/fail test.

// BENCH_DEVICES=1000 runs one scale only.
const SCALES = [
  { label: '1k', devices: 1_000 },
  { label: '100k', devices: 100_000 },
].filter((s) => !process.env.BENCH_DEVICES || process.env.BENCH_DEVICES.split(',').includes(String(s.devices)));

/** Licenses in the install: the big organization's four, the rest across other organizations. */
const LICENSES = 10_000;
const OTHER_ORGANIZATIONS = 2_500;
const DEVICES_PER_OTHER_LICENSE = 2;
const PAGE = 25;
const DEEP_PAGE = 1_000;

// AdminJS 7 on MikroORM listing the same 100,000-device organization on this kind of machine (issue 11).
const ADMINJS = { first: 283, deep: 152, filtered: 125 } as const;

const FIRST = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elif', 'Farah', 'Goran', 'Hana', 'Idris', 'Jonas', 'Keiko', 'Lars'];
const LAST = ['Andersen', 'Becker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Horvat', 'Ivanova'];
const TEAMS = ['FIN', 'OPS', 'HR', 'ENG', 'SALES', 'LEGAL', 'IT', 'SUPPORT'];
const MACS = ['MacBook Pro', 'MacBook Air', 'iMac', 'Mac mini'];
const PHONES = ['Galaxy S23', 'Pixel 8', 'Galaxy Tab S9', 'Moto G84'];

/** A well-spread hash of n (Knuth's multiplicative), so platform, protection and owner do not line up. */
const mix = (n: number) => (Math.imul(n, 2654435761) >>> 0) % 1_000_003;

/** Windows 55 %, macOS 20 %, Android 15 %, iOS 10 %. */
function platformOf(n: number): Platform {
  const slot = n % 20;
  return slot < 11 ? 'windows' : slot < 15 ? 'macos' : slot < 18 ? 'android' : 'ios';
}

/** Names as an inventory shows them: asset tags for PCs, "whose" for Macs and phones. */
function deviceName(n: number, platform: Platform): string {
  const h = mix(n);
  const person = `${FIRST[h % FIRST.length]}`;
  switch (platform) {
    case 'windows':
      return h % 3 === 0
        ? `DESKTOP-${(h * 7919).toString(36).toUpperCase().slice(0, 7)}`
        : `${TEAMS[h % TEAMS.length]}-${h % 2 ? 'LT' : 'WS'}-${String(n).padStart(6, '0')}`;
    case 'macos':
      return `${person}'s ${MACS[h % MACS.length]}`;
    case 'android':
      return `${PHONES[h % PHONES.length]} ${person} ${LAST[h % LAST.length][0]}.`;
    case 'ios':
      return `${person}'s ${h % 4 === 0 ? 'iPad' : 'iPhone'}`;
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AGENT = '8.2.0';

/** Protected 80 %, at risk 15 %, unprotected 5 % (half never reported, half silent for over 30 days). */
function stateOf(n: number, now: number) {
  const slot = mix(n * 31 + 7) % 20;
  const h = mix(n + 11);
  const lastSeenAt =
    slot < 16
      ? now - (h % (20 * HOUR))
      : slot < 19
        ? now - 2 * DAY - (h % (4 * DAY))
        : h % 2
          ? null
          : now - 31 * DAY - (h % (60 * DAY));
  const state = protectionOf(
    { licenseStatus: 'active', lastSeenAt, agentVersion: lastSeenAt ? AGENT : null, currentAgentVersion: AGENT },
    now,
  );
  return { lastSeenAt, ...state };
}

/**
 * A new data directory: migrations, an operator, the big organization (an
 * admin and five members), two products and the organization's four licenses
 * through the app; then the other organizations, the other licenses and every
 * device inserted straight into the tables in one transaction (the
 * device_summary triggers count as rows go in), each license's seats_used set
 * to its devices.
 */
export async function seed(dataDir: string, devices: number) {
  const config = loadAppConfig({ DATA_DIR: dataDir, APP_SECRET: SECRET, LOG_LEVEL: 'silent', JOBS: 'off' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { http: false }), {
    logger: false,
  });
  let admin, member, nav, members, licenses, products;
  try {
    await createPerson(app, { role: 'operator' });
    const organization = await createOrganization(app, 'Northwind Health');
    admin = await createPerson(app, { role: 'admin', organization, name: 'Ada Andersen' });
    members = [admin.person.id];
    for (let i = 0; i < 5; i++) {
      const created = await createPerson(app, {
        role: 'member',
        organization,
        name: `${FIRST[i + 1]} ${LAST[i + 1]}`,
      });
      member ??= created;
      members.push(created.person.id);
    }
    const endpoint = await createProduct(app, { name: 'Endpoint Security', platforms: 'windows,macos' });
    const mobile = await createProduct(app, { name: 'Mobile Security', platforms: 'android,ios' });
    products = { endpoint, mobile };
    // Three endpoint licenses share the PCs and Macs (75 %), one mobile license the phones (25 %).
    const seats = Math.max(5, Math.ceil(devices * 0.3));
    licenses = {
      endpoint: [] as { id: string; productId: string }[],
      mobile: [] as { id: string; productId: string }[],
    };
    for (let i = 0; i < 3; i++) {
      const { license } = await createLicense(app, { organization, product: endpoint, seats });
      licenses.endpoint.push({ id: license.id, productId: endpoint.id });
    }
    const { license } = await createLicense(app, { organization, product: mobile, seats });
    licenses.mobile.push({ id: license.id, productId: mobile.id });
    await generateOrganizations({ app }, OTHER_ORGANIZATIONS);
    nav = [...MODULE_CATALOG.nav, ...app.get(PluginRegistry).navItems()];
  } finally {
    await app.close();
  }

  const db = new Database(config.databasePath);
  try {
    const { organizationId } = db
      .prepare('select organization_id as organizationId from people where id = ?')
      .get(admin.person.id) as { organizationId: string };
    const otherOrganizations = (
      db.prepare('select id from organizations where id <> ?').all(organizationId) as { id: string }[]
    ).map((r) => r.id);
    const planOf = new Map(
      (db.prepare('select id, product_id as productId from plans').all() as { id: string; productId: string }[]).map(
        (r) => [r.productId, r.id],
      ),
    );
    const insertLicense = db.prepare(
      `insert into licenses (id, organization_id, product_id, plan_id, key_digest, key_sealed, key_hint, seats,
         seats_used, starts_at, expires_at, auto_renew, status, status_changed_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, 'bench', ?, ?, 0, ?, ?, 0, 'active', ?, ?, ?)`,
    );
    const insertDevice = db.prepare(
      `insert into devices (id, organization_id, license_id, product_id, owner_id, name, name_key, platform, fingerprint,
         token_digest, agent_version, signatures_version, last_seen_at, activated_at, protection, protection_reason,
         protection_changed_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = Date.now();
    let n = 0;
    const device = (
      orgId: string,
      license: { id: string; productId: string },
      platform: Platform,
      owner: string | null,
    ) => {
      n++;
      const name = deviceName(n, platform);
      const state = stateOf(n, now);
      const reported = state.lastSeenAt !== null;
      insertDevice.run(
        randomUUID(),
        orgId,
        license.id,
        license.productId,
        owner,
        name,
        nameKey(name),
        platform,
        reported ? randomBytes(16).toString('hex') : null,
        reported ? randomBytes(32).toString('hex') : null,
        reported ? AGENT : null,
        reported ? `2026.12.${(n % 28) + 1}` : null,
        state.lastSeenAt,
        reported ? now - 200 * DAY + (mix(n) % (190 * DAY)) : null,
        state.protection,
        state.reason,
        now,
        now - 200 * DAY,
        now,
      );
    };
    const started = process.hrtime.bigint();
    db.transaction(() => {
      // The other organizations' licenses, each with two devices.
      for (let i = 0; i < LICENSES - 4; i++) {
        const orgId = otherOrganizations[i % otherOrganizations.length];
        const product = i % 3 === 0 ? products.mobile : products.endpoint;
        const id = randomUUID();
        insertLicense.run(
          id,
          orgId,
          product.id,
          planOf.get(product.id),
          randomBytes(32).toString('hex'),
          randomBytes(3).toString('hex').toUpperCase().slice(0, 5),
          5 + (i % 46),
          now - 180 * DAY,
          now + 30 * DAY + (i % 335) * DAY,
          now - 180 * DAY,
          now - 180 * DAY,
          now - 180 * DAY,
        );
        for (let d = 0; d < DEVICES_PER_OTHER_LICENSE; d++) {
          device(orgId, { id, productId: product.id }, i % 3 === 0 ? (d ? 'ios' : 'android') : 'windows', null);
        }
      }
      // The big organization: 60 % of its devices have an owner.
      for (let i = 0; i < devices; i++) {
        const platform = platformOf(i);
        const license =
          platform === 'android' || platform === 'ios' ? licenses.mobile[0] : licenses.endpoint[mix(i) % 3];
        const owner = mix(i + 5) % 10 < 6 ? members[i % members.length] : null;
        device(organizationId, license, platform, owner);
      }
      db.exec(`update licenses set seats_used = (select count(*) from devices d where d.license_id = licenses.id)`);
    })();
    db.exec('analyze');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // Page 1,000, or the middle page of a smaller list; its cursor is the row before it.
    const deepPage = Math.min(DEEP_PAGE, Math.max(2, Math.floor(devices / PAGE / 2)));
    const before = db
      .prepare(
        'select name_key as nameKey, id from devices where organization_id = ? order by name_key, id limit 1 offset ?',
      )
      .get(organizationId, (deepPage - 1) * PAGE - 1) as { nameKey: string; id: string };
    return {
      admin,
      member: member!,
      nav,
      organizationId,
      deepPage,
      deepCursor: encodeCursor([before.nameKey, before.id]),
      databasePath: config.databasePath,
      timeZone: config.timeZone,
      seconds,
    };
  } finally {
    db.close();
  }
}

type Seeded = Awaited<ReturnType<typeof seed>>;

const routesFor = (seeded: Seeded) => [
  { key: 'first', label: '/devices', path: '/devices' },
  { key: 'deep', label: `/devices?after= (page ${seeded.deepPage})`, path: `/devices?after=${seeded.deepCursor}` },
  {
    key: 'filtered',
    label: '/devices?protection=at_risk&platform=windows',
    path: '/devices?protection=at_risk&platform=windows',
  },
  { key: 'dashboard', label: '/dashboard', path: '/dashboard' },
];

/** The SQL each route runs (besides the session's), as the repositories build it. */
function routeQueries(seeded: Seeded) {
  const org = seeded.organizationId;
  const list = (filter: Omit<DeviceListFilter, 'organizationId'>, after: string | undefined) =>
    deviceListQuery({ organizationId: org, ...filter }, pageRequest(after ? { after } : {}, 2));
  return [
    { route: '/devices list', ...list({}, undefined) },
    { route: `/devices?after= list (page ${seeded.deepPage})`, ...list({}, seeded.deepCursor) },
    {
      route: '/devices?protection=at_risk&platform=windows list',
      ...list({ protection: 'at_risk', platform: 'windows' }, undefined),
    },
    { route: '/devices?q=fin- list (a name prefix)', ...list({ namePrefix: 'fin-' }, undefined) },
    {
      route: "summary of the organization (/devices; the dashboard's card)",
      sql: 'select protection, n from device_summary where organization_id = ?',
      params: [org],
    },
    {
      route: "summary of the install (operators' dashboard card)",
      sql: 'select protection, sum(n) as n from device_summary group by protection',
      params: [],
    },
    {
      route: 'the organization’s licenses (/devices’ names and filter)',
      ...licenseListQuery({ organizationId: org }, { after: null, before: null, limit: 500 }),
    },
  ];
}

/** Whether device_summary agrees with counting the devices (the triggers kept it during the inserts). */
function checkSummary(databasePath: string): string {
  const db = new Database(databasePath, { readonly: true });
  try {
    const wrong = db
      .prepare(
        `select count(*) as n from (
           select organization_id, protection, count(*) as n from devices group by organization_id, protection
           except select organization_id, protection, n from device_summary where n > 0)`,
      )
      .get() as { n: number };
    return wrong.n === 0 ? 'device_summary matches count(*) for every organization' : `${wrong.n} summary rows WRONG`;
  } finally {
    db.close();
  }
}

function printComparison(rows: ScaledRow[]): void {
  const largest = SCALES[SCALES.length - 1].label;
  console.log(`\nAgainst AdminJS 7 on MikroORM (issue 11's figures, 100,000 devices; the target is 10×):`);
  for (const key of ['first', 'deep', 'filtered'] as const) {
    const r = rows.find((o) => o.key === key && o.scale === largest);
    if (!r) continue;
    console.log(
      `  ${key.padEnd(8)} AdminJS ${String(ADMINJS[key]).padStart(4)} req/s, SeatDesk ${r.app.rps.toFixed(0).padStart(5)} req/s ` +
        `(${(r.app.rps / ADMINJS[key]).toFixed(1)}×), floor ${r.floor.rps.toFixed(0)} req/s`,
    );
  }
}

export async function run(): Promise<void> {
  await runSideBySide({
    title: 'devices',
    unit: 'devices',
    scales: SCALES,
    load: LOAD,
    queryTiming: 'mean',
    seed: (dataDir, scale) => seed(dataDir, scale.devices),
    describe: (scale, seeded) =>
      `${scale.label}: ${scale.devices} devices in one organization, ${LICENSES} licenses in ` +
      `${OTHER_ORGANIZATIONS + 1} organizations (${(LICENSES - 4) * DEVICES_PER_OTHER_LICENSE} more devices), ` +
      `inserted in ${seeded.seconds.toFixed(1)} s; ${checkSummary(seeded.databasePath)}`,
    signIn: (seeded) => seeded.admin,
    routes: routesFor,
    queries: routeQueries,
    // A member's dashboard draws the same cards from their own devices (checked, not timed).
    alsoCompare: async ({ app, floor, seeded }) => {
      const memberCookie = await browserCookie(app, seeded.member.email, seeded.member.password);
      console.log(`  /dashboard (a member): ${await compare(app, floor, '/dashboard', memberCookie)}`);
    },
    planTitle: (scale) => `${scale.devices} devices in the organization`,
    // Flags a full scan of devices or a temporary b-tree.
    planLine: (q, plan) =>
      `${q.route}${plan.some((s) => /^SCAN (d|devices)\b|TEMP B-TREE/.test(s.detail)) ? '  <-- SCAN devices or TEMP B-TREE' : ''}`,
    afterTable: printComparison,
  });
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

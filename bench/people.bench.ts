import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPerson } from '../seeds/factories';
import { AppModule } from '../src/app.module';
import { pageRequest } from '../src/common/pagination';
import { loadAppConfig } from '../src/config/app.config';
import { parsePeopleList } from '../src/modules/people/people-list';
import { peopleListSql, peopleSearchSql } from '../src/modules/people/people.repository';
import { PeopleService } from '../src/modules/people/people.service';
import { MODULE_CATALOG } from '../src/platform/module-host/module-catalog';
import { PluginRegistry } from '../src/platform/plugin-host/plugin-registry';
import {
  browserCookie,
  CLIENT_CORE,
  compare,
  LOAD,
  measureWithCpu,
  NODE_FLAGS,
  SECRET,
  SERVER_CORE,
  start,
  type Server,
  pinClientAndBuild,
} from './lib';
import { printQueryTimes, printScaledComparison, type ScaledRow } from './compare';

// An organization's people list (/org/users) and the helpdesk search
// (/admin/users?q=) at 10,000 and 100,000 people in one organization,
// SeatDesk against its floor (bench/floor.ts) on the same database file, as
// bench/hot-path.bench.ts runs them (servers on core 1, autocannon on core
// 0; BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS). Two ratios to
// read: floor÷SeatDesk (the framework's share) and 100k÷10k CPU per request
// (1 when every query is answered by an index, whatever the table's size).
// EXPLAIN QUERY PLAN of each route's SQL at the largest scale names that
// index. Figures only, not a pass/fail test.

// BENCH_PEOPLE=10000 runs one scale only.
const SCALES = [
  { label: '10k', people: 10_000 },
  { label: '100k', people: 100_000 },
].filter((s) => !process.env.BENCH_PEOPLE || process.env.BENCH_PEOPLE.split(',').includes(String(s.people)));

const FIRST = [
  'Ada',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Elif',
  'Farah',
  'Goran',
  'Hana',
  'Idris',
  'Jonas',
  'Keiko',
  'Lars',
  'Mira',
  'Nuno',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sven',
  'Tomas',
  'Ulla',
  'Vera',
  'Wen',
  'Xavi',
  'Yara',
  'Zeno',
  'Amara',
  'Björn',
  'Carmen',
  'Dario',
  'Esther',
  'Felix',
  'Greta',
  'Hugo',
  'Ines',
  'Jasper',
  'Kofi',
  'Lena',
  'Milo',
  'Nadia',
];
const LAST = [
  'Andersen',
  'Becker',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Horvat',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Novak',
  'Okafor',
  'Petrov',
  'Quispe',
  'Rossi',
  'Santos',
  'Takahashi',
  'Ursu',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zimmermann',
  'Alvarez',
  'Brennan',
  'Castillo',
  'Duarte',
  'Engel',
  'Ferreira',
  'Gallo',
  'Hoffmann',
  'Iqbal',
  'Jovanović',
  'Kaur',
  'Laine',
  'Meyer',
  'Nilsson',
];
const personName = (n: number) => `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]}`;
const personEmail = (n: number) =>
  `${personName(n)
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')}.${n}@example.test`;

// What a helpdesk agent types: the start of one address (with its @, so it is
// read as an address) and one word of a name that 1 person in 40 has.
const emailPrefix = (people: number) => personEmail(Math.floor(people / 2)).slice(0, -10);
const NAME_WORD = 'Jasper';

const routesFor = (people: number) => [
  { path: '/org/users', as: 'admin' as const },
  { path: '/org/users?sort=lastSignIn', as: 'admin' as const },
  { path: `/admin/users?q=${encodeURIComponent(emailPrefix(people))}`, as: 'helpdesk' as const },
  { path: `/admin/users?q=${NAME_WORD}`, as: 'helpdesk' as const },
];

/**
 * A new data directory: migrations, an operator, an organization with its
 * admin and a helpdesk agent through the app, then `count` members inserted straight into
 * the people table in one transaction (the admin's argon2 hash copied: hashing
 * 100,000 passwords would take hours). The people_search triggers fill the
 * word index as rows go in.
 */
export async function seed(dataDir: string, count: number) {
  const config = loadAppConfig({ DATA_DIR: dataDir, APP_SECRET: SECRET, LOG_LEVEL: 'silent', JOBS: 'off' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { http: false }), {
    logger: false,
  });
  let admin, helpdesk, nav;
  try {
    // An install without an operator is still at its setup page.
    await createPerson(app, { role: 'operator' });
    admin = await createPerson(app, { role: 'admin' });
    helpdesk = await createPerson(app, { role: 'helpdesk' });
    nav = [...MODULE_CATALOG.nav, ...app.get(PluginRegistry).navItems()];
  } finally {
    await app.close();
  }
  const db = new Database(config.databasePath);
  try {
    const { organizationId, hash } = db
      .prepare('select organization_id as organizationId, password_hash as hash from people where id = ?')
      .get(admin.person.id) as { organizationId: string; hash: string };
    const insert = db.prepare(
      `insert into people (id, created_at, updated_at, organization_id, email, name, password_hash, role, status,
                           last_sign_in_at)
       values (?, ?, ?, ?, ?, ?, ?, 'member', 'active', ?)`,
    );
    const now = Date.now();
    const started = process.hrtime.bigint();
    db.transaction(() => {
      for (let n = 1; n <= count; n++) {
        // One in five never signed in; the others over the last 90 days.
        const lastSignIn = n % 5 === 0 ? null : now - ((n * 7919) % 90) * 86_400_000 - (n % 86_400) * 1000;
        insert.run(randomUUID(), now, now, organizationId, personEmail(n), personName(n), hash, lastSignIn);
      }
    })();
    db.exec('analyze');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      admin,
      helpdesk,
      nav,
      organizationId,
      databasePath: config.databasePath,
      timeZone: config.timeZone,
      seconds,
    };
  } finally {
    db.close();
  }
}

// A word every person's address has (their domain): longer than the FTS5
// prefix indexes (1 to 3 characters), so FTS5 merges the doclists of every
// term starting with it, one entry per person. Timed as SQL only.
const DOMAIN_WORD = 'example';

/** The SQL each route runs, as its repository builds it (and the domain word's search). */
function routeQueries(organizationId: string, people: number) {
  const now = Date.now();
  const search = (q: string) => peopleSearchSql(PeopleService.parseSearch(q)!, pageRequest({}, 1));
  return [
    { route: '/org/users', ...peopleListSql(organizationId, parsePeopleList({}), pageRequest({}, 2), now) },
    {
      route: '/org/users?sort=lastSignIn',
      ...peopleListSql(organizationId, parsePeopleList({ sort: 'lastSignIn' }), pageRequest({}, 2), now),
    },
    { route: `/admin/users?q=${emailPrefix(people)}`, ...search(emailPrefix(people)) },
    { route: `/admin/users?q=${NAME_WORD}`, ...search(NAME_WORD) },
    { route: `/admin/users?q=${DOMAIN_WORD} (SQL only)`, ...search(DOMAIN_WORD) },
  ];
}

/** µs per execution of each route's statement alone (prepared once, in this process). */
function timeQueries(databasePath: string, organizationId: string, people: number): number[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return routeQueries(organizationId, people).map((q) => {
      const statement = db.prepare(q.sql);
      for (let i = 0; i < 50; i++) statement.all(...q.params);
      const started = process.hrtime.bigint();
      for (let i = 0; i < 500; i++) statement.all(...q.params);
      return Number(process.hrtime.bigint() - started) / 1e3 / 500;
    });
  } finally {
    db.close();
  }
}

/** EXPLAIN QUERY PLAN of the SQL each route runs: the index that answers it. */
function printPlans(databasePath: string, organizationId: string, people: number): void {
  const db = new Database(databasePath, { readonly: true });
  try {
    console.log(`\nEXPLAIN QUERY PLAN at ${people} people (each page's organization names are read by primary key):`);
    for (const q of routeQueries(organizationId, people)) {
      const plan = db.prepare(`explain query plan ${q.sql}`).all(...q.params) as { detail: string }[];
      const found = (db.prepare(`select count(*) as n from (${q.sql})`).get(...q.params) as { n: number }).n;
      console.log(`  ${q.route} (${found} rows on the page, the next page's first included)`);
      for (const step of plan) console.log(`    ${step.detail}`);
    }
  } finally {
    db.close();
  }
}

export async function run(): Promise<void> {
  pinClientAndBuild();
  console.log(
    `people: SeatDesk (dist/) and its floor (bench/floor.ts) on core ${SERVER_CORE}, autocannon on core ` +
      `${CLIENT_CORE}; ${LOAD.connections} connections, ${LOAD.seconds} s per route after ${LOAD.warmupSeconds} s ` +
      'of warm-up; figures only, not a pass/fail test.',
  );
  const rows: ScaledRow[] = [];
  const times: { scale: string; micros: number[] }[] = [];
  let queries: { route: string }[] = [];
  for (const scale of SCALES) {
    const dataDir = mkdtempSync(join(tmpdir(), 'seatdesk-bench-'));
    const servers: Server[] = [];
    try {
      const seeded = await seed(dataDir, scale.people);
      console.log(
        `\n${scale.label}: ${scale.people} people in one organization, inserted in ${seeded.seconds.toFixed(1)} s`,
      );
      const app = await start(
        'SeatDesk',
        [...NODE_FLAGS, 'dist/src/main.js'],
        { DATA_DIR: dataDir, APP_SECRET: SECRET },
        '/healthz',
      );
      servers.push(app);
      const floor = await start(
        'floor',
        ['-r', 'ts-node/register/transpile-only', 'bench/floor.ts'],
        {
          DATABASE_PATH: seeded.databasePath,
          APP_SECRET: SECRET,
          FLOOR_NAV: JSON.stringify(seeded.nav),
          FLOOR_TIME_ZONE: seeded.timeZone,
        },
        '/',
      );
      servers.push(floor);
      const cookies = {
        admin: await browserCookie(app, seeded.admin.email, seeded.admin.password),
        helpdesk: await browserCookie(app, seeded.helpdesk.email, seeded.helpdesk.password),
      };
      const routes = routesFor(scale.people);
      for (const route of routes) {
        console.log(`  ${route.path}: ${await compare(app, floor, route.path, cookies[route.as])}`);
      }
      if (scale === SCALES[SCALES.length - 1]) printPlans(seeded.databasePath, seeded.organizationId, scale.people);
      times.push({
        scale: scale.label,
        micros: timeQueries(seeded.databasePath, seeded.organizationId, scale.people),
      });
      queries = routeQueries(seeded.organizationId, scale.people);
      for (const [key, route] of routes.entries()) {
        rows.push({
          key,
          scale: scale.label,
          route: route.path,
          app: await measureWithCpu(app, route.path, cookies[route.as]),
          floor: await measureWithCpu(floor, route.path, cookies[route.as]),
        });
      }
    } finally {
      for (const server of servers) await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  printScaledComparison(
    'people',
    SCALES.map((s) => s.label),
    rows,
  );
  printQueryTimes(times, queries);
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

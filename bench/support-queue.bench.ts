import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { createOrganization, createPerson } from '../seeds/factories';
import { AppModule } from '../src/app.module';
import { encodeCursor, pageRequest } from '../src/common/pagination';
import { loadAppConfig } from '../src/config/app.config';
import { organizationListQuery, organizationNamesSql } from '../src/modules/organizations/organizations.repository';
import { peopleCountSql, staffListQuery } from '../src/modules/people/people.repository';
import { priorityOf } from '../src/modules/support/priority';
import {
  CATEGORIES,
  LEVELS,
  ticketListQuery,
  viewCountsQuery,
  type Level,
  type TicketListFilter,
  type TicketStatus,
} from '../src/modules/support/tickets.repository';
import { visibleToQuery } from '../src/modules/support/saved-searches.repository';
import { MODULE_CATALOG } from '../src/platform/module-host/module-catalog';
import { PluginRegistry } from '../src/platform/plugin-host/plugin-registry';
import { BulkInsert, generateOrganizations, LOAD, runSideBySide, SECRET, type RouteQuery } from './lib';

// The helpdesk queue /admin/support as a helpdesk agent (first page, a deep
// page by its keyset cursor, ?status=open, ?assignee=mine, one customer's
// tickets, the "Waiting on me" view ?view=mine) at 1,000 and then 100,000
// tickets spread over 2,000 organizations (one large customer holds 5 %),
// every status, priority and category, twelve agents (80 % of answered
// tickets assigned; the signed-in agent holds a third of the assigned new and
// open ones, so their view has pages), subjects as customers write them,
// three saved searches; inserted straight into the tables with multi-row
// INSERTs (no messages: the queue never reads them). Every page also counts
// the three views (bounded) and lists the saved searches. SeatDesk against
// its floor (bench/floor.ts: the same parseQueue, ticketListQuery,
// viewCountsQuery, saved searches' and choices' SQL, slaView, queuePageView,
// the same template) on
// the same database file, servers on core 1, autocannon on core 0
// (BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS). Ratios to read:
// 100k ÷ 1k CPU per request (target under 1.2) and SeatDesk ÷ floor (target
// within 2×). Prints EXPLAIN QUERY PLAN at the largest scale (each list on its
// index, no temporary b-tree for the order) and each statement's time alone.
// Figures only, not a pass/fail test.

// BENCH_TICKETS=1000 runs one scale only.
const SCALES = [
  { label: '1k', tickets: 1_000 },
  { label: '100k', tickets: 100_000 },
].filter((s) => !process.env.BENCH_TICKETS || process.env.BENCH_TICKETS.split(',').includes(String(s.tickets)));

const ORGANIZATIONS = 2_000;
const REQUESTERS_PER_ORGANIZATION = 3;
const BIG_CUSTOMER_SHARE = 0.05;
const AGENTS = 12;
const PAGE = 25;
const DEEP_PAGE = 1_000;
const DAY = 86_400_000;
const YEARS = 2;

/** A well-spread hash of n (Knuth's multiplicative), so status, priority and assignee do not line up. */
const mix = (n: number) => (Math.imul(n, 2654435761) >>> 0) % 1_000_003;
/** A number in [0, 1) from n and a salt. */
const unit = (n: number, salt: number) => mix(n * 7919 + salt * 104_729 + 13) / 1_000_003;
const pick = <T>(list: readonly T[], n: number, salt: number): T => list[Math.floor(unit(n, salt) * list.length)];

const AGENT_NAMES = [
  'Ada Agent',
  'Bruno Costa',
  'Chiara Rossi',
  'Dmitri Ivanov',
  'Elif Yilmaz',
  'Farah Haddad',
  'Goran Horvat',
  'Hana Novak',
  'Idris Bello',
  'Jonas Berg',
  'Keiko Tanaka',
  'Lars Eriksen',
];
const FIRST = ['Maria', 'Tom', 'Priya', 'Lukas', 'Sofia', 'Omar', 'Julia', 'Mateo', 'Anna', 'Noah', 'Lea', 'Ravi'];
const LAST = ['Schmidt', 'Dubois', 'García', 'Kowalski', 'Müller', 'Novak', 'Jensen', 'Rossi', 'Smith', 'Larsen'];

// Subjects as customers write them, per category: a template and what fills its blank.
const SUBJECTS: Record<(typeof CATEGORIES)[number], string[]> = {
  'sign-in': [
    'Cannot sign in since this morning',
    'Password reset mail never arrives',
    'Account locked after a few wrong passwords',
    'Sign-in page keeps reloading in {browser}',
    'New colleague cannot set a password',
  ],
  'two-factor': [
    'Lost my phone, need to sign in without the code',
    'Authenticator codes are always rejected',
    'Recovery codes used up',
    'How do we require two-factor for everyone?',
  ],
  installing: [
    'Installer fails on {os} with error {code}',
    'Agent does not start after reboot on {os}',
    'Silent install via {tool} hangs',
    'Cannot uninstall the old agent on {os}',
    'Installer says the product key is invalid',
  ],
  licenses: [
    'Need 25 more seats before Friday',
    'Renewal quote shows the wrong number of seats',
    'License expired although we paid',
    'Move seats between our two licenses',
    'Product key not accepted during activation',
  ],
  devices: [
    'Device shows as unprotected but the agent runs',
    '{os} laptops stopped reporting',
    'Remove old devices to free seats',
    'Same laptop listed twice after reinstall',
    'Device names are wrong after the update',
  ],
  billing: [
    'Invoice {invoice} has the wrong VAT number',
    'Card declined at renewal',
    'Please send the invoice to our accounts address',
    'Refund for the seats we did not use',
    'Change our billing address',
  ],
  other: [
    'Question about data retention',
    'Can we get a demo for our IT team?',
    'Feature request: export the device list',
    'Security questionnaire from our auditors',
  ],
};
const FILL: Record<string, string[]> = {
  browser: ['Firefox', 'Safari', 'Edge', 'Chrome'],
  os: ['Windows 11', 'Windows 10', 'macOS 14', 'macOS 15', 'Ubuntu 24.04'],
  code: ['0x80070643', '1603', '0x80004005', '1618'],
  tool: ['Intune', 'SCCM', 'Jamf', 'Group Policy'],
  invoice: ['INV-2026-000412', 'INV-2025-003318', 'INV-2026-001207'],
};
function subjectOf(category: (typeof CATEGORIES)[number], n: number): string {
  return pick(SUBJECTS[category], n, 3).replace(/\{(\w+)\}/g, (_, key: string) => pick(FILL[key], n, 4));
}

/** Closed 55 %, solved 15 %, open 14 %, pending 9 %, new 7 %; recent tickets are more often still in work. */
function statusOf(n: number, ageDays: number): TicketStatus {
  const u = unit(n, 5);
  if (ageDays < 7) return u < 0.25 ? 'new' : u < 0.65 ? 'open' : u < 0.85 ? 'pending' : 'solved';
  return u < 0.05 ? 'new' : u < 0.17 ? 'open' : u < 0.25 ? 'pending' : u < 0.39 ? 'solved' : 'closed';
}

/**
 * A new data directory: migrations, an operator, the twelve agents and the
 * large customer through the app; then the other organizations, three
 * requesters each (the agent's argon2 hash copied) and every ticket inserted
 * straight into the tables in one transaction.
 */
export async function seed(dataDir: string, tickets: number) {
  const config = loadAppConfig({ DATA_DIR: dataDir, APP_SECRET: SECRET, LOG_LEVEL: 'silent', JOBS: 'off' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { http: false }), {
    logger: false,
  });
  let agent, nav, big;
  try {
    await createPerson(app, { role: 'operator' });
    agent = await createPerson(app, { role: 'helpdesk', name: AGENT_NAMES[0] });
    big = await createOrganization(app, 'Northwind Health');
    await generateOrganizations({ app }, ORGANIZATIONS - 1);
    nav = [...MODULE_CATALOG.nav, ...app.get(PluginRegistry).navItems()];
  } finally {
    await app.close();
  }

  const db = new Database(config.databasePath);
  try {
    const hash = (
      db.prepare('select password_hash as hash from people where id = ?').get(agent.person.id) as {
        hash: string;
      }
    ).hash;
    const organizations = (db.prepare('select id from organizations order by name').all() as { id: string }[]).map(
      (r) => r.id,
    );
    const others = organizations.filter((id) => id !== big.id);
    const now = Date.now();
    const started = process.hrtime.bigint();
    const agents = [agent.person.id];
    const requesters = new Map<string, string[]>();
    db.transaction(() => {
      const people = new BulkInsert(db, 'people', [
        'id',
        'created_at',
        'updated_at',
        'organization_id',
        'email',
        'name',
        'password_hash',
        'role',
        'status',
      ]);
      for (const name of AGENT_NAMES.slice(1)) {
        const id = randomUUID();
        agents.push(id);
        const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@seatdesk.example`;
        people.add([id, now, now, null, email, name, hash, 'helpdesk', 'active']);
      }
      let n = 0;
      for (const orgId of organizations) {
        const count = orgId === big.id ? 40 : REQUESTERS_PER_ORGANIZATION;
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          n++;
          const id = randomUUID();
          ids.push(id);
          const name = `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]}`;
          const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${n}@customer.example`;
          people.add([id, now, now, orgId, email, name, hash, i === 0 ? 'admin' : 'member', 'active']);
        }
        requesters.set(orgId, ids);
      }
      people.flush();

      const rows = new BulkInsert(db, 'tickets', [
        'id',
        'organization_id',
        'requester_id',
        'subject',
        'category',
        'urgency',
        'impact',
        'priority',
        'status',
        'assignee_id',
        'created_at',
        'last_activity_at',
        'status_changed_at',
        'resolved_at',
        'first_response_at',
      ]);
      for (let t = 1; t <= tickets; t++) {
        const orgId = unit(t, 1) < BIG_CUSTOMER_SHARE ? big.id : others[mix(t) % others.length];
        const requesterId = pick(requesters.get(orgId)!, t, 2);
        const category = pick(CATEGORIES, t, 6);
        // Urgency mostly normal; impact set by an agent.
        const urgency: Level = unit(t, 7) < 0.15 ? 'high' : unit(t, 7) < 0.75 ? 'normal' : 'low';
        const impact: Level = pick(LEVELS, t, 8);
        // Created over the last two years, more of them recently (the install grew).
        const ageDays = YEARS * 365 * unit(t, 9) ** 2;
        const createdAt = Math.floor(now - ageDays * DAY);
        const status = statusOf(t, ageDays);
        const lastActivityAt = Math.min(now - 60_000, createdAt + Math.floor(unit(t, 10) * 6 * DAY));
        const answered = status !== 'new';
        const firstResponseAt = answered ? Math.min(lastActivityAt, createdAt + Math.floor(unit(t, 11) * DAY)) : null;
        const resolvedAt = status === 'solved' || status === 'closed' ? lastActivityAt : null;
        // New tickets are seldom assigned yet; the rest 80 % of the time. The signed-in agent holds a
        // third of the assigned new and open ones (their "Waiting on me"), the others share the rest.
        const assigned = unit(t, 12) < (status === 'new' ? 0.1 : 0.8);
        const mine = (status === 'new' || status === 'open') && unit(t, 13) < 1 / 3;
        rows.add([
          randomUUID(),
          orgId,
          requesterId,
          subjectOf(category, t),
          category,
          urgency,
          impact,
          priorityOf(urgency, impact),
          status,
          assigned ? (mine ? agents[0] : agents[mix(t + 17) % AGENTS]) : null,
          createdAt,
          lastActivityAt,
          lastActivityAt,
          resolvedAt,
          firstResponseAt,
        ]);
      }
      rows.flush();

      // The agent's own saved search, another agent's shared one, and one private to another agent (not shown).
      const searches = db.prepare(
        'insert into support_saved_searches (id, owner_id, name, shared, query, created_at) values (?, ?, ?, ?, ?, ?)',
      );
      searches.run(randomUUID(), agents[0], 'My P1 tickets', 0, 'view=mine&priority=P1', now);
      searches.run(randomUUID(), agents[1], 'Northwind Health', 1, `organization=${big.id}`, now);
      searches.run(randomUUID(), agents[2], 'Billing', 0, 'category=billing', now);
    })();
    db.exec('analyze');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const counts = db.prepare(`select status, count(*) as n from tickets group by status order by status`).all() as {
      status: string;
      n: number;
    }[];
    const mine = (
      db
        .prepare(`select count(*) as n from tickets where assignee_id = ? and status in ('new', 'open')`)
        .get(agent.person.id) as { n: number }
    ).n;
    // Page 1,000, or the middle page of a smaller list; its cursor is the row before it.
    const deepPage = Math.min(DEEP_PAGE, Math.max(2, Math.floor(tickets / PAGE / 2)));
    const before = db
      .prepare(
        'select last_activity_at as lastActivityAt, id from tickets order by last_activity_at desc, id desc limit 1 offset ?',
      )
      .get((deepPage - 1) * PAGE - 1) as { lastActivityAt: number; id: string };
    return {
      agent,
      agentId: agent.person.id,
      bigOrganizationId: big.id,
      nav,
      counts,
      mine,
      deepPage,
      deepCursor: encodeCursor([before.lastActivityAt, before.id]),
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
  { key: 'first', label: '/admin/support', path: '/admin/support' },
  {
    key: 'deep',
    label: `/admin/support?after= (page ${seeded.deepPage})`,
    path: `/admin/support?after=${seeded.deepCursor}`,
  },
  { key: 'open', label: '/admin/support?status=open', path: '/admin/support?status=open' },
  { key: 'mine', label: '/admin/support?assignee=mine', path: '/admin/support?assignee=mine' },
  { key: 'view-mine', label: '/admin/support?view=mine (Waiting on me)', path: '/admin/support?view=mine' },
  {
    key: 'organization',
    label: '/admin/support?organization= (the large customer)',
    path: `/admin/support?organization=${seeded.bigOrganizationId}`,
  },
];

/** The SQL the queue runs (besides the session's), as the repositories build it; `index`: the one it must use. */
function routeQueries(seeded: Seeded): RouteQuery[] {
  const list = (filter: TicketListFilter, after?: string) =>
    ticketListQuery(filter, pageRequest(after ? { after } : {}, 2));
  const choices = { after: null, before: null, limit: 200 };
  return [
    { route: '/admin/support list', index: 'tickets_activity_idx', ...list({}) },
    {
      route: `/admin/support?after= list (page ${seeded.deepPage})`,
      index: 'tickets_activity_idx',
      ...list({}, seeded.deepCursor),
    },
    { route: '?status=open list', index: 'tickets_status_activity_idx', ...list({ status: 'open' }) },
    { route: '?assignee=mine list', index: 'tickets_assignee_activity_idx', ...list({ assigneeId: seeded.agentId }) },
    { route: '?assignee=unassigned list', index: 'tickets_assignee_activity_idx', ...list({ assigneeId: null }) },
    {
      route: '?view=mine list (Waiting on me)',
      index: 'tickets_view_mine_idx',
      ...list({ view: 'mine', assigneeId: seeded.agentId }),
    },
    { route: '?view=unassigned list', index: 'tickets_view_unassigned_idx', ...list({ view: 'unassigned' }) },
    {
      route: '?view=waiting list',
      index: 'tickets_view_waiting_idx',
      ...list({ view: 'waiting', assigneeId: seeded.agentId }),
    },
    { route: "the views' counts (each up to 1,001)", ...viewCountsQuery(seeded.agentId) },
    { route: 'the saved searches the agent sees', ...visibleToQuery(seeded.agentId) },
    {
      route: '?organization= list (the large customer)',
      index: 'tickets_organization_activity_idx',
      ...list({ organizationId: seeded.bigOrganizationId }),
    },
    { route: "the organizations' choices (first 200 by name)", ...organizationListQuery(choices) },
    {
      route: 'their people counts (OrganizationsService.list)',
      sql: peopleCountSql(200),
      params: [], // filled below
    },
    { route: "the assignees' choices (staff)", ...staffListQuery(undefined, choices) },
    { route: "the page's organization names (25 ids)", sql: organizationNamesSql(25), params: [] },
  ];
}

/** routeQueries with the id lists of the last two filled from the database. */
function queriesWithIds(seeded: Seeded): RouteQuery[] {
  const db = new Database(seeded.databasePath, { readonly: true });
  try {
    const orgIds = (
      db.prepare('select id from organizations order by name, id limit 200').all() as { id: string }[]
    ).map((r) => r.id);
    const pageOrgs = (
      db
        .prepare('select organization_id as id from tickets order by last_activity_at desc, id desc limit 25')
        .all() as {
        id: string;
      }[]
    ).map((r) => r.id);
    return routeQueries(seeded).map((q) =>
      q.sql === peopleCountSql(200)
        ? { ...q, params: orgIds }
        : q.sql === organizationNamesSql(25)
          ? { ...q, params: pageOrgs }
          : q,
    );
  } finally {
    db.close();
  }
}

export async function run(): Promise<void> {
  await runSideBySide({
    title: 'support queue',
    unit: 'tickets',
    scales: SCALES,
    load: LOAD,
    queryTiming: 'fastest',
    warmUpPass: true,
    seed: (dataDir, scale) => seed(dataDir, scale.tickets),
    describe: (scale, seeded) =>
      `${scale.label}: ${scale.tickets} tickets (${seeded.counts.map((c) => `${c.n} ${c.status}`).join(', ')}) in ` +
      `${ORGANIZATIONS} organizations, ${AGENTS} agents (${seeded.mine} waiting on the signed-in one), ` +
      `inserted in ${seeded.seconds.toFixed(1)} s`,
    signIn: (seeded) => seeded.agent,
    routes: routesFor,
    queries: queriesWithIds,
    planTitle: (scale) => `${scale.tickets} tickets`,
    // Flags a list off its index, a full scan of tickets, or a temporary b-tree (for the order).
    planLine: (q, plan) => {
      const flags = [
        ...(q.index && !plan.some((s) => new RegExp(`INDEX ${q.index}\\b`).test(s.detail))
          ? [`NOT ON ${q.index}`]
          : []),
        ...(plan.some((s) => /^SCAN (t|tickets)$/.test(s.detail)) ? ['SCAN tickets'] : []),
        ...(plan.some((s) => s.detail.includes('TEMP B-TREE')) ? ['TEMP B-TREE'] : []),
      ];
      return `${q.route}: ${flags.length ? `<-- ${flags.join(', ')}` : `${q.index ?? 'ok'}, no temp b-tree`}`;
    },
  });
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

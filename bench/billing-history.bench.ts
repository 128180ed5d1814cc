import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { createLicense, createOrganization, createPerson, createProduct } from '../seeds/factories';
import { AppModule } from '../src/app.module';
import { encodeCursor, keysetClause, pageRequest, type PageRequest } from '../src/common/pagination';
import { loadAppConfig } from '../src/config/app.config';
import type { InvoiceLine, InvoiceParty } from '../src/modules/billing/invoice-document';
import { invoiceListQuery, PAYMENT } from '../src/modules/billing/invoices.repository';
import { MODULE_CATALOG } from '../src/platform/module-host/module-catalog';
import { PluginRegistry } from '../src/platform/plugin-host/plugin-registry';
import { BulkInsert, generateOrganizations, runSideBySide, SECRET, type LoadOptions } from './lib';

// /billing/history (the invoices tab's first page, a deep page by its keyset
// cursor, the payments tab's first page) as the org admin of one organization
// holding 1,000 and then 100,000 invoices (issued over the past six years:
// renewals, extra seats and upgrades, mostly paid, some open or void, some
// refunded by a credit note; an order behind each, a payment or two each),
// among 20,000 invoices of 500 other organizations; SeatDesk against its floor
// (bench/floor.ts: the same invoiceListQuery, the same template and
// invoiceRowView) on the same database file, servers on core 1, autocannon on
// core 0, a bounded number of requests per route (BENCH_AMOUNT after
// BENCH_WARMUP, BENCH_CONNECTIONS). Ratios to read: 100k ÷ 1k CPU per request
// (target under 1.2: every page one walk of an index from its cursor) and
// SeatDesk ÷ floor (target within 2×). Prints EXPLAIN QUERY PLAN of each
// route's SQL at the largest scale (the invoices' must use
// invoices_org_issued, with no temporary b-tree for the order) and each
// statement's time alone. Figures only, not a pass/fail test.

// BENCH_INVOICES=1000 runs one scale only.
const SCALES = [
  { label: '1k', invoices: 1_000 },
  { label: '100k', invoices: 100_000 },
].filter((s) => !process.env.BENCH_INVOICES || process.env.BENCH_INVOICES.split(',').includes(String(s.invoices)));

const OTHER_ORGANIZATIONS = 500;
const OTHER_INVOICES = 20_000;
const YEARS = 6;
const PAGE = 25;
const DEEP_PAGE = 1_000;

const LOAD: LoadOptions = {
  amount: Number(process.env.BENCH_AMOUNT ?? 2_000),
  warmup: Number(process.env.BENCH_WARMUP ?? 300),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A well-spread hash of n (Knuth's multiplicative), so kind, status and method do not line up. */
const mix = (n: number) => (Math.imul(n, 2654435761) >>> 0) % 1_000_003;
/** A number in [0, 1) from n and a salt. */
const unit = (n: number, salt: number) => mix(n * 7919 + salt * 104_729 + 13) / 1_000_003;

const SELLER: InvoiceParty = {
  name: 'SeatDesk Software GmbH',
  address: ['Rosenthaler Straße 40', '10178 Berlin'],
  country: 'DE',
  countryName: 'Germany',
  taxId: 'DE812345678',
  email: 'billing@seatdesk.example',
};

/** Where the other organizations are billed: country, tax rate (basis points), currency. */
const COUNTRIES = [
  { country: 'DE', name: 'Germany', rateBp: 1900, currency: 'EUR', city: '80331 München' },
  { country: 'FR', name: 'France', rateBp: 2000, currency: 'EUR', city: '69002 Lyon' },
  { country: 'NL', name: 'Netherlands', rateBp: 2100, currency: 'EUR', city: '3511 AB Utrecht' },
  { country: 'GB', name: 'United Kingdom', rateBp: 2000, currency: 'GBP', city: 'Leeds LS1 4AP' },
  { country: 'US', name: 'United States', rateBp: 0, currency: 'USD', city: 'Austin, TX 78701' },
] as const;

interface Org {
  id: string;
  name: string;
  billing: (typeof COUNTRIES)[number];
  licenses: { id: string; product: string; edition: string; planId: string }[];
}

const buyerOf = (org: Org, n: number) => ({
  name: org.name,
  address: [`${(n % 180) + 1} Market Street`, org.billing.city],
  country: org.billing.country,
  countryName: org.billing.name,
  taxId: org.billing.rateBp ? `${org.billing.country}${String(100_000_000 + (mix(n) % 899_999_999))}` : '',
  email: `accounts@${org.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`,
  poReference: n % 4 === 0 ? `PO-${String(mix(n) % 100_000).padStart(5, '0')}` : '',
});

const dateOf = (at: number) => new Date(at).toISOString().slice(0, 10);

interface InvoiceDraft {
  id: string;
  org: Org;
  n: number;
  kind: 'invoice' | 'credit_note';
  orderId: string | null;
  creditsInvoiceId: string | null;
  issuedAt: number;
  dueAt: number;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  lines: InvoiceLine[];
  status: 'open' | 'paid' | 'void';
  paidAt: number | null;
  voidedAt: number | null;
  voidReason: string | null;
}

/**
 * A new data directory: migrations, an operator, the big organization (its
 * admin) and its four licenses through the app, 500 other organizations;
 * then, straight into the tables with multi-row inserts in one transaction,
 * a license for each other organization, and every order, invoice, credit
 * note and payment, numbered gap-free per series and year in order of issue
 * as SeatDesk numbers them (invoice_counters left at the last numbers).
 */
export async function seed(dataDir: string, invoices: number) {
  const config = loadAppConfig({ DATA_DIR: dataDir, APP_SECRET: SECRET, LOG_LEVEL: 'silent', JOBS: 'off' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { http: false }), {
    logger: false,
  });
  let admin, nav, bigOrgId: string, bigLicenses: Org['licenses'];
  try {
    await createPerson(app, { role: 'operator' });
    const organization = await createOrganization(app, 'Northwind Health');
    bigOrgId = organization.id;
    admin = await createPerson(app, { role: 'admin', organization, name: 'Ada Andersen' });
    const endpoint = await createProduct(app, { name: 'Endpoint Security', platforms: 'windows,macos' });
    const mobile = await createProduct(app, { name: 'Mobile Security', platforms: 'android,ios' });
    bigLicenses = [];
    for (const product of [endpoint, endpoint, endpoint, mobile]) {
      const { license } = await createLicense(app, { organization, product, seats: 250 });
      bigLicenses.push({ id: license.id, product: product.name, edition: '', planId: license.planId });
    }
    await generateOrganizations({ app }, OTHER_ORGANIZATIONS);
    nav = [...MODULE_CATALOG.nav, ...app.get(PluginRegistry).navItems()];
  } finally {
    await app.close();
  }

  const db = new Database(config.databasePath);
  try {
    const now = Date.now();
    const plans = new Map(
      (
        db.prepare('select id, product_id as productId, edition, price_per_seat_minor as price from plans').all() as {
          id: string;
          productId: string;
          edition: string;
          price: number;
        }[]
      ).map((p) => [p.id, p]),
    );
    for (const l of bigLicenses) l.edition = plans.get(l.planId)!.edition;
    const endpointPlan = [...plans.values()].find((p) => p.id === bigLicenses[0].planId)!;
    const priceOf = (planId: string) => Math.max(100, plans.get(planId)?.price ?? 2_400);
    const big: Org = { id: bigOrgId, name: 'Northwind Health', billing: COUNTRIES[0], licenses: bigLicenses };
    const others: Org[] = (
      db.prepare('select id, name from organizations where id <> ? order by name').all(bigOrgId) as {
        id: string;
        name: string;
      }[]
    ).map((o, i) => ({
      ...o,
      billing: COUNTRIES[i % COUNTRIES.length],
      licenses: [
        {
          id: randomUUID(),
          product: 'Endpoint Security',
          edition: endpointPlan.edition,
          planId: endpointPlan.id,
        },
      ],
    }));

    const started = process.hrtime.bigint();
    const counts = { orders: 0, invoices: 0, creditNotes: 0, payments: 0 };
    db.transaction(() => {
      const licenseRows = new BulkInsert(db, 'licenses', [
        'id',
        'organization_id',
        'product_id',
        'plan_id',
        'key_digest',
        'key_sealed',
        'key_hint',
        'seats',
        'seats_used',
        'starts_at',
        'expires_at',
        'auto_renew',
        'status',
        'status_changed_at',
        'created_at',
        'updated_at',
      ]);
      for (const [i, org] of others.entries()) {
        licenseRows.add([
          org.licenses[0].id,
          org.id,
          plans.get(endpointPlan.id)!.productId,
          endpointPlan.id,
          randomBytes(32).toString('hex'),
          'bench',
          randomBytes(3).toString('hex').toUpperCase().slice(0, 5),
          5 + (i % 96),
          0,
          now - YEARS * 365 * DAY,
          now + 30 * DAY + (i % 335) * DAY,
          i % 2,
          'active',
          now - YEARS * 365 * DAY,
          now - YEARS * 365 * DAY,
          now - YEARS * 365 * DAY,
        ]);
      }
      licenseRows.flush();

      const orders = new BulkInsert(db, 'orders', [
        'id',
        'organization_id',
        'license_id',
        'kind',
        'source',
        'status',
        'term_key',
        'currency',
        'subtotal_minor',
        'tax_rate_bp',
        'tax_minor',
        'total_minor',
        'lines',
        'change',
        'quoted_at',
        'valid_until',
        'placed_at',
        'placed_by',
        'payment_method_id',
        'invoice_id',
        'failure',
      ]);
      const drafts: InvoiceDraft[] = [];
      const payments: unknown[][] = [];
      let n = 0;
      let termKey = 0;
      const money = (subtotal: number, rateBp: number) => {
        const tax = Math.round((subtotal * rateBp) / 10_000);
        return { subtotal, tax, total: subtotal + tax };
      };

      // An organization's history: `count` invoices (and what goes with them) spread over the past YEARS.
      const history = (org: Org, count: number) => {
        for (let i = 0; i < count; i++) {
          n++;
          const license = org.licenses[mix(n) % org.licenses.length];
          const issuedAt = now - 2 * HOUR - Math.floor(unit(n, 1) * YEARS * 365 * DAY);
          const roll = unit(n, 2);
          const kind = roll < 0.6 ? 'renew' : roll < 0.9 ? 'add_seats' : 'upgrade';
          const auto = kind === 'renew' && unit(n, 3) < 0.4;
          const seats = 5 + (mix(n + 3) % 496);
          const price = priceOf(license.planId);
          const lines: InvoiceLine[] =
            kind === 'renew'
              ? [
                  {
                    description: `${license.product} ${license.edition}: 12 months, ${dateOf(issuedAt + DAY)} to ${dateOf(issuedAt + 365 * DAY)}`,
                    quantity: seats,
                    unitMinor: price,
                    amountMinor: seats * price,
                  },
                ]
              : kind === 'add_seats'
                ? (() => {
                    const more = 1 + (mix(n + 5) % 50);
                    const remaining = 1 + (mix(n + 7) % 364);
                    const each = Math.round((price * remaining) / 365);
                    return [
                      {
                        description: `${license.product} ${license.edition}: ${more} more seats for the rest of the term, ${remaining} of 365 days to ${dateOf(issuedAt + remaining * DAY)}`,
                        quantity: more,
                        unitMinor: each,
                        amountMinor: more * each,
                      },
                    ];
                  })()
                : (() => {
                    const remaining = 1 + (mix(n + 9) % 364);
                    const credit = -Math.round((price * remaining) / 365);
                    return [
                      {
                        description: `${license.product} Premium: 12 months, ${dateOf(issuedAt + DAY)} to ${dateOf(issuedAt + 365 * DAY)}`,
                        quantity: seats,
                        unitMinor: Math.round(price * 1.5),
                        amountMinor: seats * Math.round(price * 1.5),
                      },
                      {
                        description: `Credit for the rest of the ${license.edition} term: ${remaining} of 365 days to ${dateOf(issuedAt + remaining * DAY)}`,
                        quantity: seats,
                        unitMinor: credit,
                        amountMinor: seats * credit,
                      },
                    ];
                  })();
          const m = money(
            lines.reduce((sum, line) => sum + line.amountMinor, 0),
            org.billing.rateBp,
          );
          const byCard = unit(n, 4) < 0.7;
          const old = now - issuedAt > 45 * DAY;
          const s = unit(n, 5);
          // Card payments are taken at once; invoices to pay by transfer are paid within weeks, a few never.
          const status: InvoiceDraft['status'] = byCard
            ? 'paid'
            : old
              ? s < 0.9
                ? 'paid'
                : s < 0.95
                  ? 'void'
                  : 'open'
              : s < 0.5
                ? 'paid'
                : 'open';
          const paidAt =
            status === 'paid' ? (byCard ? issuedAt : Math.min(now, issuedAt + (1 + (mix(n) % 20)) * DAY)) : null;
          const invoiceId = randomUUID();
          const orderId = randomUUID();
          const quotedAt = issuedAt - (auto ? 0 : 60_000 + (mix(n) % (10 * 60_000)));
          const change = {
            from: { planId: license.planId, seats, expiresAt: issuedAt },
            to: { planId: license.planId, seats, expiresAt: issuedAt + 365 * DAY },
          };
          orders.add([
            orderId,
            org.id,
            license.id,
            kind,
            auto ? 'auto_renew' : 'admin',
            'placed',
            ++termKey,
            org.billing.currency,
            m.subtotal,
            org.billing.rateBp,
            m.tax,
            m.total,
            JSON.stringify(lines),
            JSON.stringify(change),
            quotedAt,
            quotedAt + 30 * DAY,
            issuedAt,
            auto ? null : 'bench-admin',
            null,
            invoiceId,
            null,
          ]);
          counts.orders++;
          drafts.push({
            id: invoiceId,
            org,
            n,
            kind: 'invoice',
            orderId,
            creditsInvoiceId: null,
            issuedAt,
            dueAt: issuedAt + 14 * DAY,
            subtotalMinor: m.subtotal,
            taxMinor: m.tax,
            totalMinor: m.total,
            lines,
            status,
            paidAt,
            voidedAt: status === 'void' ? issuedAt + 60 * DAY : null,
            voidReason: status === 'void' ? 'Order cancelled by the customer' : null,
          });
          const method = byCard ? `${n % 3 ? 'Visa' : 'Mastercard'} •••• ${String(1000 + (mix(n) % 9000))}` : 'Invoice';
          const provider = byCard ? 'test' : 'invoice';
          const refunded = status === 'paid' && unit(n, 6) < 0.02 && issuedAt + 30 * DAY < now;
          const paymentStatus =
            status === 'paid' ? (refunded ? 'refunded' : 'captured') : status === 'open' ? 'pending' : 'failed';
          payments.push([
            randomUUID(),
            org.id,
            invoiceId,
            provider,
            method,
            m.total,
            org.billing.currency,
            paymentStatus,
            `${provider}_${randomBytes(10).toString('hex')}`,
            null,
            issuedAt,
          ]);
          if (refunded) {
            // A full refund: a credit note with the lines negated, and the money given back.
            const at = issuedAt + (1 + (mix(n + 1) % 30)) * DAY;
            const noteId = randomUUID();
            drafts.push({
              ...drafts[drafts.length - 1],
              id: noteId,
              kind: 'credit_note',
              creditsInvoiceId: invoiceId,
              issuedAt: at,
              dueAt: at,
              subtotalMinor: -m.subtotal,
              taxMinor: -m.tax,
              totalMinor: -m.total,
              lines: lines.map((line) => ({ ...line, unitMinor: -line.unitMinor, amountMinor: -line.amountMinor })),
              status: 'paid',
              paidAt: at,
            });
            payments.push([
              randomUUID(),
              org.id,
              noteId,
              provider,
              method,
              -m.total,
              org.billing.currency,
              'refunded',
              `${provider}_refund_${randomBytes(10).toString('hex')}`,
              null,
              at,
            ]);
          }
          // Now and then a quote left to expire, or a card declined (an order that failed, no invoice).
          const extra = unit(n, 7);
          if (extra < 0.12) {
            const declined = extra < 0.02;
            orders.add([
              randomUUID(),
              org.id,
              license.id,
              kind,
              'admin',
              declined ? 'failed' : 'quoted',
              ++termKey,
              org.billing.currency,
              m.subtotal,
              org.billing.rateBp,
              m.tax,
              m.total,
              JSON.stringify(lines),
              JSON.stringify(change),
              quotedAt - DAY,
              quotedAt + 29 * DAY,
              null,
              null,
              null,
              null,
              declined ? 'The card was declined.' : null,
            ]);
            counts.orders++;
          }
        }
      };
      history(big, invoices);
      for (const [i, org] of others.entries()) {
        const share = Math.floor(OTHER_INVOICES / others.length) + (i < OTHER_INVOICES % others.length ? 1 : 0);
        history(org, share);
      }
      orders.flush();

      // Numbers in order of issue, gap-free per series and year (INV-2026-000123, CN-2026-000004).
      drafts.sort((a, b) => a.issuedAt - b.issuedAt);
      const counters = new Map<string, number>();
      const invoiceRows = new BulkInsert(db, 'invoices', [
        'id',
        'number',
        'kind',
        'organization_id',
        'order_id',
        'credits_invoice_id',
        'issued_at',
        'due_at',
        'currency',
        'subtotal_minor',
        'tax_rate_bp',
        'tax_minor',
        'total_minor',
        'seller',
        'buyer',
        'lines',
        'status',
        'paid_at',
        'voided_at',
        'void_reason',
      ]);
      const seller = JSON.stringify(SELLER);
      // A credit note is issued after its invoice: sorted by issue, the invoice goes in first (the foreign key).
      for (const d of drafts) {
        const series = d.kind === 'invoice' ? 'INV' : 'CN';
        const year = new Date(d.issuedAt).getUTCFullYear();
        const key = `${series}-${year}`;
        const next = (counters.get(key) ?? 0) + 1;
        counters.set(key, next);
        invoiceRows.add([
          d.id,
          `${key}-${String(next).padStart(6, '0')}`,
          d.kind,
          d.org.id,
          d.orderId,
          d.creditsInvoiceId,
          d.issuedAt,
          d.dueAt,
          d.org.billing.currency,
          d.subtotalMinor,
          d.org.billing.rateBp,
          d.taxMinor,
          d.totalMinor,
          seller,
          JSON.stringify(buyerOf(d.org, d.n)),
          JSON.stringify(d.lines),
          d.status,
          d.paidAt,
          d.voidedAt,
          d.voidReason,
        ]);
        if (d.kind === 'invoice') counts.invoices++;
        else counts.creditNotes++;
      }
      invoiceRows.flush();
      const counterRows = new BulkInsert(db, 'invoice_counters', ['series', 'year', 'last']);
      for (const [key, last] of counters) {
        const [series, year] = key.split('-');
        counterRows.add([series, Number(year), last]);
      }
      counterRows.flush();

      const paymentRows = new BulkInsert(db, 'payments', [
        'id',
        'organization_id',
        'invoice_id',
        'provider',
        'method_label',
        'amount_minor',
        'currency',
        'status',
        'provider_ref',
        'failure',
        'created_at',
      ]);
      for (const p of payments) paymentRows.add(p);
      paymentRows.flush();
      counts.payments = payments.length;
      db.prepare(
        `insert into billing_settings (id, seller_name, seller_address, seller_country, seller_tax_id, seller_email,
           payment_terms_days, updated_at) values (1, ?, ?, ?, ?, ?, 14, ?)`,
      ).run(SELLER.name, SELLER.address.join('\n'), SELLER.country, SELLER.taxId, SELLER.email, now);
    })();
    db.exec('analyze');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    // Page 1,000, or the middle page of a smaller list; its cursor is the row before it.
    const deepPage = Math.min(DEEP_PAGE, Math.max(2, Math.floor(invoices / PAGE / 2)));
    const before = db
      .prepare(
        `select issued_at as issuedAt, id from invoices where organization_id = ?
          order by issued_at desc, id desc limit 1 offset ?`,
      )
      .get(bigOrgId, (deepPage - 1) * PAGE - 1) as { issuedAt: number; id: string };
    return {
      admin,
      nav,
      organizationId: bigOrgId,
      counts,
      deepPage,
      deepCursor: encodeCursor([before.issuedAt, before.id]),
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
  { key: 'first', label: '/billing/history', path: '/billing/history' },
  {
    key: 'deep',
    label: `/billing/history?after= (page ${seeded.deepPage})`,
    // As the page's own "Next" link names it.
    path: `/billing/history?show=invoices&after=${seeded.deepCursor}`,
  },
  { key: 'payments', label: '/billing/history?show=payments', path: '/billing/history?show=payments' },
];

// The payments tab's SQL as InvoicesRepository.payments builds it.
function paymentListQuery(organizationId: string, request: PageRequest) {
  const keyset = keysetClause(request, 'created_at', 'id', 'desc');
  return {
    sql: `${PAYMENT} where organization_id = ? ${keyset.where ? `and ${keyset.where}` : ''}
        order by ${keyset.orderBy} limit ?`,
    params: [organizationId, ...keyset.params, request.limit + 1],
  };
}

/** The SQL each route runs (besides the session's), as the repository builds it; `index`: the one it must use. */
function routeQueries(seeded: Seeded) {
  const org = seeded.organizationId;
  const invoicesPage = (query: { after?: string; before?: string }) =>
    invoiceListQuery({ organizationId: org }, pageRequest(query, 2));
  return [
    { route: '/billing/history list', index: 'invoices_org_issued', ...invoicesPage({}) },
    {
      route: `/billing/history?after= list (page ${seeded.deepPage})`,
      index: 'invoices_org_issued',
      ...invoicesPage({ after: seeded.deepCursor }),
    },
    {
      route: `/billing/history?before= list (back from page ${seeded.deepPage})`,
      index: 'invoices_org_issued',
      ...invoicesPage({ before: seeded.deepCursor }),
    },
    {
      route: '/billing/history?show=payments list',
      index: 'payments_org_created',
      ...paymentListQuery(org, pageRequest({}, 2)),
    },
  ];
}

export async function run(): Promise<void> {
  await runSideBySide({
    title: 'billing history',
    unit: 'invoices',
    scales: SCALES,
    load: LOAD,
    warmUpPass: true,
    queryTiming: 'fastest',
    seed: (dataDir, scale) => seed(dataDir, scale.invoices),
    describe: (scale, seeded) => {
      const c = seeded.counts;
      return (
        `${scale.label}: ${scale.invoices} invoices in one organization, ${OTHER_INVOICES} in ` +
        `${OTHER_ORGANIZATIONS} others; in all ${c.invoices} invoices, ${c.creditNotes} credit notes, ` +
        `${c.orders} orders, ${c.payments} payments, inserted in ${seeded.seconds.toFixed(1)} s`
      );
    },
    signIn: (seeded) => seeded.admin,
    routes: routesFor,
    queries: routeQueries,
    planTitle: (scale) => `${scale.invoices} invoices in the organization`,
    // Flags a plan without its index, or with a temporary b-tree.
    planLine: (q, plan) => {
      const flags = [
        ...(plan.some((s) => s.detail.includes(`INDEX ${q.index} `)) ? [] : [`NOT ON ${q.index}`]),
        ...(plan.some((s) => s.detail.includes('TEMP B-TREE')) ? ['TEMP B-TREE'] : []),
      ];
      return `${q.route}: ${flags.length ? `<-- ${flags.join(', ')}` : `${q.index}, no temp b-tree`}`;
    },
  });
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

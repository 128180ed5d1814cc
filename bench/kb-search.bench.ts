import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPerson } from '../seeds/factories';
import { AppModule } from '../src/app.module';
import { loadAppConfig } from '../src/config/app.config';
import { kbSearchQuery } from '../src/modules/kb/kb.repository';
import { ftsPrefixQuery, ftsSearch, searchWords, suggestWords } from '../src/modules/kb/kb.service';
import { printQueryTimes } from './compare';
import { insertArticles, RARE_WORD } from './kb-data';
import {
  browserCookie,
  LOAD,
  loadAverage,
  measureWithCpu,
  NODE_FLAGS,
  pinClientAndBuild,
  printPlans,
  SECRET,
  start,
  timeQueries,
  type Figures,
  type RouteQuery,
  type Server,
} from './lib';

// The knowledge base's search as a signed-in member: /kb?q= for a common
// word, a rare word and a word prefix, and /kb/suggest?q= for a ticket
// subject being typed, at 100 and then 10,000 published articles (bench/kb-data.ts:
// Markdown bodies from the shipped guides' sentences and a generated
// vocabulary), SeatDesk alone (dist/) on core 1, autocannon on core 0
// (BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS). The ratio to read:
// 10k ÷ 100 CPU per request (target under 1.2). Prints how many articles each
// search matches, EXPLAIN QUERY PLAN at 10,000 and each statement's time
// alone. Figures only, not a pass/fail test.

// BENCH_ARTICLES=100 runs one scale only.
const SCALES = [
  { label: '100', articles: 100 },
  { label: '10k', articles: 10_000 },
].filter((s) => !process.env.BENCH_ARTICLES || process.env.BENCH_ARTICLES.split(',').includes(String(s.articles)));

/** A word most guides have, one 5 guides have, a prefix of several words, and a subject typed. */
export const SEARCHES = [
  { key: 'common', label: '/kb?q=password (a common word)', path: '/kb?q=password', text: 'password' },
  { key: 'rare', label: `/kb?q=${RARE_WORD} (a rare word)`, path: `/kb?q=${RARE_WORD}`, text: RARE_WORD },
  { key: 'prefix', label: '/kb?q=instal (a prefix)', path: '/kb?q=instal', text: 'instal' },
  {
    key: 'suggest',
    label: '/kb/suggest?q=cannot sign in on my new phone',
    path: `/kb/suggest?q=${encodeURIComponent('cannot sign in on my new phone')}`,
    text: 'cannot sign in on my new phone',
  },
] as const;

/** A new data directory: migrations, an operator and a member through the app, then the articles. */
export async function seedArticles(dataDir: string, articles: number, members = 1) {
  const config = loadAppConfig({ DATA_DIR: dataDir, APP_SECRET: SECRET, LOG_LEVEL: 'silent', JOBS: 'off' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { http: false }), {
    logger: false,
  });
  const people = [];
  try {
    await createPerson(app, { role: 'operator' });
    const first = await createPerson(app, { role: 'member' });
    people.push(first);
    for (let i = 1; i < members; i++)
      people.push(await createPerson(app, { role: 'member', password: first.password }));
  } finally {
    await app.close();
  }
  const db = new Database(config.databasePath);
  try {
    const seconds = insertArticles(db, articles);
    return { members: people, databasePath: config.databasePath, seconds };
  } finally {
    db.close();
  }
}

/** The SQL each search runs, as KbService and the repository build it (a member reads public articles). */
export function searchQueries(): RouteQuery[] {
  const pub = { visibilities: ['public'] as const };
  return SEARCHES.map((s) => ({
    route: s.label,
    ...(s.key === 'suggest'
      ? kbSearchQuery(ftsSearch(suggestWords(s.text), 'any'), pub, 5)
      : kbSearchQuery(ftsSearch(searchWords(s.text), 'all'), pub, 50)),
  }));
}

/** How many articles each search's FTS5 query matches. */
function matchCounts(databasePath: string): number[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return SEARCHES.map((s) => {
      const match =
        s.key === 'suggest' ? ftsPrefixQuery(suggestWords(s.text), 'any') : ftsPrefixQuery(searchWords(s.text), 'all');
      return (db.prepare('select count(*) as n from kb_search where kb_search match ?').get(match) as { n: number }).n;
    });
  } finally {
    db.close();
  }
}

export async function run(): Promise<void> {
  pinClientAndBuild();
  console.log(
    `kb search: SeatDesk (dist/) on core 1, autocannon on core 0; ${LOAD.connections} connections, ${LOAD.seconds} s ` +
      `per route after ${LOAD.warmupSeconds} s of warm-up; load average ${loadAverage()}; figures only, not a pass/fail test.`,
  );
  const rows: { scale: string; key: string; route: string; figures: Figures }[] = [];
  const times: { scale: string; micros: number[] }[] = [];
  for (const scale of SCALES) {
    const dataDir = mkdtempSync(join(tmpdir(), 'seatdesk-bench-'));
    let app: Server | undefined;
    try {
      const seeded = await seedArticles(dataDir, scale.articles);
      const counts = matchCounts(seeded.databasePath);
      console.log(
        `\n${scale.label}: ${scale.articles} published articles (9 in 10 public), inserted and indexed in ` +
          `${seeded.seconds.toFixed(1)} s; matches: ${SEARCHES.map((s, i) => `${s.key} ${counts[i]}`).join(', ')}`,
      );
      app = await start(
        'SeatDesk',
        [...NODE_FLAGS, 'dist/src/main.js'],
        { DATA_DIR: dataDir, APP_SECRET: SECRET },
        '/healthz',
      );
      const member = seeded.members[0];
      const cookie = await browserCookie(app, member.email, member.password);
      for (const s of SEARCHES) {
        const res = await fetch(`${app.baseUrl}${s.path}`, { headers: { cookie } });
        const text = await res.text();
        const hits =
          s.key === 'suggest' ? (JSON.parse(text) as unknown[]).length : (text.match(/data-kb-result=/g) ?? []).length;
        console.log(`  ${s.label}: ${res.status}, ${hits} results shown, ${Buffer.byteLength(text)} bytes`);
      }
      if (scale === SCALES[SCALES.length - 1]) {
        printPlans(
          seeded.databasePath,
          `${scale.articles} articles`,
          searchQueries(),
          (q, plan) =>
            `${q.route}${plan.some((p) => p.detail.includes('TEMP B-TREE')) ? ' (a TEMP B-TREE orders the 200 candidates at most)' : ''}`,
        );
      }
      times.push({ scale: scale.label, micros: timeQueries(seeded.databasePath, searchQueries(), 'fastest') });
      for (const s of SEARCHES) await measureWithCpu(app, s.path, cookie, { ...LOAD, seconds: 1, warmupSeconds: 0 });
      for (const s of SEARCHES) {
        rows.push({
          scale: scale.label,
          key: s.key,
          route: s.label,
          figures: await measureWithCpu(app, s.path, cookie),
        });
      }
    } finally {
      await app?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  printGrowth(rows);
  printQueryTimes(times, searchQueries());
  console.log('(each: the fastest of five batches of 100)');
  console.log(`\nload average at the end: ${loadAverage()}`);
}

function printGrowth(rows: { scale: string; key: string; route: string; figures: Figures }[]): void {
  const first = SCALES[0].label;
  const last = SCALES[SCALES.length - 1].label;
  console.log(`\narticles  route${' '.repeat(42)}req/s     p50     p99  CPU µs/req  ${last}÷${first} CPU`);
  for (const r of rows) {
    const base = rows.find((o) => o.key === r.key && o.scale === first);
    const growth = base && base !== r ? `${(r.figures.cpuPerRequest / base.figures.cpuPerRequest).toFixed(2)}×` : '';
    console.log(
      `${r.scale.padEnd(8)}  ${r.route.slice(0, 46).padEnd(46)} ${r.figures.rps.toFixed(0).padStart(5)}  ` +
        `${r.figures.p50.toFixed(1).padStart(6)}  ${r.figures.p99.toFixed(1).padStart(6)}  ` +
        `${r.figures.cpuPerRequest.toFixed(0).padStart(10)}  ${growth.padStart(9)}`,
    );
    if (r.figures.non2xx > 0 || r.figures.errors > 0) {
      console.warn(
        `WARNING: ${r.scale} ${r.route} had ${r.figures.non2xx} non-2xx answers and ${r.figures.errors} errors`,
      );
    }
  }
  console.log("(p50/p99 in ms; CPU: the server process's user + system time per answered request)");
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

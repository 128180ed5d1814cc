import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createProduct } from '../seeds/factories';
import { FixedClock } from '../src/common/clock';
import { CatalogService } from '../src/modules/catalog/catalog.service';
import { RenewalRemindersService, type ReminderRunCounts } from '../src/modules/licenses/renewal-reminders.service';
import { withContext } from '../src/platform/database/request-context';
import { MailDeliveryService } from '../src/platform/mail/mail-delivery.service';
import { seedRenewals } from '../test/utils/renewals-seed';
import { createTestApp, tempDataDir } from '../test/utils/test-app';

// The renewal reminders job (licenses.renewal-reminders) over 1,000 and
// 100,000 active licenses whose expiries are spread over the next 400 days,
// in organizations of 50 licenses and 2 admins each, run once at a time when
// about 1 in 30 has a stage due (BENCH_REMINDER_LICENSES=1000,100000 to
// choose). Prints the run's seconds, reminders and mails queued, and the peak
// RSS and heap sampled every 10 ms against the figures before the run, and
// the heap kept after it (after a full collection). Mail
// delivery, which starts after each chunk's commit and is not the job's
// work, is held back here. Targets: at most 2 s at 100,000 licenses, and
// memory flat (the same at both scales). Figures only, not a pass/fail test.

const SCALES = (process.env.BENCH_REMINDER_LICENSES ?? '1000,100000').split(',').map(Number);
const DAY = 86_400_000;
const MB = 1024 * 1024;
// A full collection before and after each run, so "retained" is what the run kept, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Figures {
  licenses: number;
  seedSeconds: number;
  seconds: number;
  counts: ReminderRunCounts;
  rssBefore: number;
  rssPeak: number;
  heapBefore: number;
  heapPeak: number;
  /** Heap in use after the run and a full collection. */
  heapRetained: number;
}

async function once(licenses: number): Promise<Figures> {
  const dataDir = tempDataDir();
  const now = Date.parse('2027-03-01T09:00:00Z');
  try {
    const setup = await createTestApp({}, { dataDir, clock: new FixedClock(now) });
    const product = await createProduct(setup.app, { name: 'Bench Shield' });
    const [plan] = await withContext(setup.app, () => setup.app.get(CatalogService).plans(product.id));
    await setup.close();
    const seeding = performance.now();
    // Expiries from 17 to 417 days ahead: those within 30 days (13 of 400, ~1/30) have their 30-day stage due.
    seedRenewals(dataDir, {
      productId: product.id,
      planId: plan.id,
      organizations: Math.max(1, Math.round(licenses / 50)),
      adminsPerOrganization: 2,
      licenses,
      firstExpiry: now + 17 * DAY,
      lastExpiry: now + 417 * DAY,
      now,
    });
    const seedSeconds = (performance.now() - seeding) / 1000;

    const t = await createTestApp({}, { dataDir, clock: new FixedClock(now) });
    try {
      t.app.get(MailDeliveryService).kick = () => undefined;
      const reminders = t.app.get(RenewalRemindersService);
      gc();
      const before = process.memoryUsage();
      let rssPeak = before.rss;
      let heapPeak = before.heapUsed;
      const sampler = setInterval(() => {
        const usage = process.memoryUsage();
        rssPeak = Math.max(rssPeak, usage.rss);
        heapPeak = Math.max(heapPeak, usage.heapUsed);
      }, 10);
      const started = performance.now();
      const counts = await withContext(t.app, () => reminders.run());
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const after = process.memoryUsage();
      gc();
      const heapRetained = process.memoryUsage().heapUsed;
      return {
        licenses,
        seedSeconds,
        seconds,
        counts,
        rssBefore: before.rss,
        rssPeak: Math.max(rssPeak, after.rss),
        heapBefore: before.heapUsed,
        heapPeak: Math.max(heapPeak, after.heapUsed),
        heapRetained,
      };
    } finally {
      await t.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await once(200); // warm-up: templates, statements, JIT
  const figures: Figures[] = [];
  for (const licenses of SCALES) figures.push(await once(licenses));
  console.log(
    '  licenses   seeded s   run s   reminders   skipped   mails queued   RSS before → peak MB   heap before → peak → retained MB',
  );
  for (const f of figures) {
    console.log(
      [
        String(f.licenses).padStart(10),
        f.seedSeconds.toFixed(1).padStart(10),
        f.seconds.toFixed(2).padStart(7),
        String(f.counts.reminders).padStart(11),
        String(f.counts.skipped).padStart(9),
        String(f.counts.mails).padStart(14),
        `${(f.rssBefore / MB).toFixed(0)} → ${(f.rssPeak / MB).toFixed(0)}`.padStart(22),
        `${(f.heapBefore / MB).toFixed(0)} → ${(f.heapPeak / MB).toFixed(0)} → ${(f.heapRetained / MB).toFixed(0)}`.padStart(
          34,
        ),
      ].join(' '),
    );
  }
  const largest = figures[figures.length - 1];
  console.log(
    `target: at most 2 s at 100,000 licenses (${largest.licenses}: ${largest.seconds.toFixed(2)} s); memory flat ` +
      `(peak heap growth ${figures.map((f) => ((f.heapPeak - f.heapBefore) / MB).toFixed(0)).join(' / ')} MB, ` +
      `retained ${figures.map((f) => ((f.heapRetained - f.heapBefore) / MB).toFixed(1)).join(' / ')} MB)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

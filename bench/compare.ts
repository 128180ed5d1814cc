import type { Figures, RouteFigures } from './lib';

/** One route measured at one scale, SeatDesk and its floor side by side. */
export interface ScaledRow {
  /** Which route (the same key at every scale; its path may differ by scale). */
  key: string | number;
  scale: string;
  route: string;
  app: Figures;
  floor: Figures;
}

/**
 * The table the scale benches print: each route at each scale, SeatDesk and
 * the floor, floor ÷ SeatDesk (req/s and CPU), and how CPU per request grows
 * from the first scale to this one, for both.
 */
export function printScaledComparison(unit: string, scales: readonly string[], rows: ScaledRow[]): void {
  const first = scales[0];
  const header = [
    unit,
    'route',
    'SeatDesk req/s',
    'p99',
    'CPU µs/req',
    'floor req/s',
    'p99',
    'CPU µs/req',
    'floor÷SeatDesk req/s',
    'CPU',
    `${scales[scales.length - 1]}÷${first} CPU SeatDesk`,
    'floor',
  ];
  const cells = rows.map((r) => {
    const base = rows.find((o) => o.key === r.key && o.scale === first);
    const growth = (f: (row: ScaledRow) => Figures) =>
      base && base !== r ? `${(f(r).cpuPerRequest / f(base).cpuPerRequest).toFixed(2)}×` : '';
    return [
      r.scale,
      r.route,
      r.app.rps.toFixed(0),
      r.app.p99.toFixed(1),
      r.app.cpuPerRequest.toFixed(0),
      r.floor.rps.toFixed(0),
      r.floor.p99.toFixed(1),
      r.floor.cpuPerRequest.toFixed(0),
      `${(r.floor.rps / r.app.rps).toFixed(2)}×`,
      `${(r.app.cpuPerRequest / r.floor.cpuPerRequest).toFixed(2)}×`,
      growth((row) => row.app),
      growth((row) => row.floor),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const c of cells) console.log(line(c));
  console.log(
    "(p99 in ms; CPU: the server process's user + system time per answered request; floor÷SeatDesk CPU is " +
      'SeatDesk÷floor CPU per request, the cost SeatDesk adds; the growth columns: larger÷smaller CPU per request)',
  );
  warnAboutFailures(rows);
}

/** Each route's SQL alone, per scale, and its growth from the first scale to the last. */
export function printQueryTimes(times: { scale: string; micros: number[] }[], queries: { route: string }[]): void {
  console.log(`\nSQL alone, µs per statement (${times.map((t) => t.scale).join(', ')}; 500 runs after 50):`);
  for (const [i, q] of queries.entries()) {
    const each = times.map((t) => t.micros[i].toFixed(0)).join(' / ');
    const growth = times.length > 1 ? `  ${(times[times.length - 1].micros[i] / times[0].micros[i]).toFixed(2)}×` : '';
    console.log(`  ${q.route}: ${each}${growth}`);
  }
}

/** Says which measured routes got answers other than 2xx (their figures mean little). */
export function warnAboutFailures(rows: { scale: string; app: RouteFigures; floor: RouteFigures }[]): void {
  for (const r of rows) {
    for (const f of [r.app, r.floor]) {
      if (f.non2xx > 0 || f.errors > 0) {
        console.warn(`WARNING: ${r.scale} ${f.route} had ${f.non2xx} non-2xx answers and ${f.errors} errors/timeouts`);
      }
    }
  }
}

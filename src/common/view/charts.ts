/**
 * Server-side charts: numbers in, SVG geometry out, drawn by a Handlebars
 * partial with presentation attributes only (the CSP allows no inline style
 * and no script). Every chart is drawn beside the same numbers as text.
 */

/** Tabler's palette, by the color names the views use (`PROTECTION_VIEW.color`). */
export const CHART_COLORS: Record<string, string> = {
  green: '#2fb344',
  yellow: '#f59f00',
  red: '#d63939',
  blue: '#206bc4',
  secondary: '#616876',
  track: '#e6e7e9',
};

export interface ChartSlice {
  label: string;
  value: number;
  /** A name in CHART_COLORS. */
  color: string;
}

// A circle of circumference 100 makes each dash length a percentage.
const DONUT_RADIUS = 100 / (2 * Math.PI);
const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * A donut: one circle per non-empty slice, drawn with `stroke-dasharray`
 * (its share of 100) and `stroke-dashoffset` (where the previous ones end),
 * clockwise from the top. `title` says every number in words.
 */
export function donut(slices: readonly ChartSlice[], subject: string) {
  const total = slices.reduce((sum, slice) => sum + slice.value, 0);
  let before = 0;
  const segments = slices
    .filter((slice) => slice.value > 0)
    .map((slice) => {
      const share = (slice.value / total) * 100;
      const segment = {
        label: slice.label,
        stroke: CHART_COLORS[slice.color] ?? CHART_COLORS.secondary,
        dasharray: `${round(share)} ${round(100 - share)}`,
        // 25 puts the start at 12 o'clock; each slice starts where the last ended.
        dashoffset: round(25 - before),
      };
      before += share;
      return segment;
    });
  return {
    radius: round(DONUT_RADIUS),
    total,
    track: CHART_COLORS.track,
    segments,
    title: `${subject}: ${slices.map((slice) => `${slice.value} ${slice.label.toLowerCase()}`).join(', ')}`,
  };
}

/** A horizontal bar for `used` of `of` (seats): its width in percent of the track and its color. */
export function bar(used: number, of: number, label: string) {
  const share = of > 0 ? Math.min(100, (used / of) * 100) : 0;
  return {
    width: round(share),
    fill: CHART_COLORS[share >= 100 ? 'red' : share >= 80 ? 'yellow' : 'green'],
    track: CHART_COLORS.track,
    title: label,
  };
}

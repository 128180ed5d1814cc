import type { HbsInstance } from './view-engine';
import { formatDate, formatDateTime, relativeTime, toDate } from './format';

// Handlebars passes its options hash as the last argument of every helper.
const args = (list: unknown[]) => list.slice(0, -1);

// The reader's time zone: `timeZone` among the page's (or the mail's) root
// values, set from the signed-in person (or the recipient); else UTC.
const readerZone = (options: unknown): string | undefined => {
  const zone = (options as { data?: { root?: { timeZone?: unknown } } } | undefined)?.data?.root?.timeZone;
  return typeof zone === 'string' ? zone : undefined;
};

export function registerHelpers(hbs: HbsInstance): void {
  hbs.registerHelper('eq', (a, b) => a === b);
  hbs.registerHelper('not', (a) => !a);
  hbs.registerHelper('and', (...list) => args(list).every(Boolean));
  hbs.registerHelper('or', (...list) => args(list).some(Boolean));
  hbs.registerHelper('concat', (...list) => args(list).join(''));
  hbs.registerHelper('json', (value) => JSON.stringify(value));
  hbs.registerHelper('formatDate', (value, options) => formatDate(value, readerZone(options)));
  hbs.registerHelper('formatDateTime', (value, options) => formatDateTime(value, readerZone(options)));
  hbs.registerHelper('isoDate', (value) => toDate(value)?.toISOString() ?? '');
  hbs.registerHelper('relativeTime', (value) => relativeTime(value));
  hbs.registerHelper('fieldError', (errors, field) =>
    errors && typeof errors === 'object' ? (errors as Record<string, string>)[field as string] : undefined,
  );
}

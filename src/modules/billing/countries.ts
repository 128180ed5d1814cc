import * as isoCountries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';

// English names only: the pages, invoices and PDFs are in English.
isoCountries.registerLocale(english);

export interface Country {
  /** ISO 3166-1 alpha-2, upper case ("DE"). */
  code: string;
  /** The English short name ("Germany"). */
  name: string;
}

const NAMES: Readonly<Record<string, string>> = isoCountries.getNames('en', { select: 'official' });

/** Every country, sorted by its English name (the `<select>` of the billing forms). */
export const COUNTRIES: readonly Country[] = Object.entries(NAMES)
  .map(([code, name]) => ({ code, name }))
  .sort((a, b) => a.name.localeCompare(b.name, 'en'));

/** Whether `code` is an ISO 3166-1 alpha-2 code of the list, as stored (upper case). */
export function isCountry(code: unknown): code is string {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(NAMES, code);
}

/** The English name of a country code, or null for none or an unknown one. */
export function countryName(code: string | null | undefined): string | null {
  return code && isCountry(code) ? NAMES[code] : null;
}

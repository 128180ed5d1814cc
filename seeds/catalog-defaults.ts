import type { PlanInput } from '../src/modules/catalog/catalog.service';

/** A product of the default catalog: a security suite family, priced per seat for the term, in EUR. */
export interface CatalogDefault {
  sku: string;
  name: string;
  platforms: string;
  agentVersion: string;
  plans: PlanInput[];
}

const plan = (edition: string, seats: number, termMonths: number, pricePerSeat: string): PlanInput => ({
  edition,
  seats,
  termMonths,
  pricePerSeat,
  currency: 'EUR',
});

export const CATALOG_DEFAULTS: CatalogDefault[] = [
  {
    sku: 'SD-AV',
    name: 'SeatDesk Antivirus',
    platforms: 'windows,macos',
    agentVersion: '24.3.1',
    plans: [plan('Standard', 3, 12, '19.99'), plan('Standard', 3, 24, '34.99')],
  },
  {
    sku: 'SD-IS',
    name: 'SeatDesk Internet Security',
    platforms: 'windows,macos,android',
    agentVersion: '24.3.1',
    plans: [plan('Standard', 5, 12, '29.99'), plan('Family', 10, 12, '24.99')],
  },
  {
    sku: 'SD-TS',
    name: 'SeatDesk Total Security',
    platforms: 'windows,macos,android,ios',
    agentVersion: '24.3.1',
    plans: [plan('Standard', 5, 12, '39.99'), plan('Premium', 10, 12, '49.99'), plan('Premium', 10, 24, '89.99')],
  },
  {
    sku: 'SD-ES',
    name: 'SeatDesk Endpoint Security',
    platforms: 'windows,macos',
    agentVersion: '12.8.0',
    plans: [plan('Business', 25, 12, '32.00'), plan('Business', 25, 36, '86.40'), plan('Enterprise', 250, 12, '28.50')],
  },
  {
    sku: 'SD-MS',
    name: 'SeatDesk Mobile Security',
    platforms: 'android,ios',
    agentVersion: '9.1.4',
    plans: [plan('Standard', 5, 12, '14.99')],
  },
];

/** Upgrade paths: [from SKU, edition, months] → [to SKU's plan]; same-product paths only (a plan belongs to one product). */
export const UPGRADE_DEFAULTS: [sku: string, from: [string, number], to: [string, number]][] = [
  ['SD-IS', ['Standard', 12], ['Family', 12]],
  ['SD-TS', ['Standard', 12], ['Premium', 12]],
  ['SD-TS', ['Premium', 12], ['Premium', 24]],
  ['SD-ES', ['Business', 12], ['Enterprise', 12]],
  ['SD-ES', ['Business', 12], ['Business', 36]],
  ['SD-AV', ['Standard', 12], ['Standard', 24]],
];

import { MikroORM } from '@mikro-orm/better-sqlite';
import type { INestApplicationContext } from '@nestjs/common';
import { APP_CONFIG } from '../src/common/config.module';
import { InputRefused } from '../src/common/errors/app-error';
import type { AppConfig } from '../src/config/app.config';
import { withContext } from '../src/platform/database/request-context';
import { OrganizationsService } from '../src/modules/organizations/organizations.service';
import { PasswordPolicy } from '../src/modules/people/password-policy';
import type { Role } from '../src/modules/people/person.entity';
import { PeopleService } from '../src/modules/people/people.service';
import { Clock } from '../src/common/clock';
import { CatalogService } from '../src/modules/catalog/catalog.service';
import { BillingProfilesService } from '../src/modules/billing/billing-profiles.service';
import { BillingSettingsService } from '../src/modules/billing/billing-settings.service';
import { OrdersService } from '../src/modules/billing/orders.service';
import { PaymentMethodsService } from '../src/modules/billing/payment-methods.service';
import { LicensesService } from '../src/modules/licenses/licenses.service';
import type { SeedOutput } from './database.seeder';
import { randomPassword } from './factories';

export const DEMO_ORGANIZATION = 'Demo Company';

interface DemoPerson {
  email: string;
  name: string;
  role: Role;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { email: 'admin@demo.seatdesk.test', name: 'Ada Lindqvist', role: 'admin' },
  { email: 'member1@demo.seatdesk.test', name: 'Bruno Castellanos', role: 'member' },
  { email: 'member2@demo.seatdesk.test', name: 'Chiara Okafor', role: 'member' },
  { email: 'member3@demo.seatdesk.test', name: 'Dmitri Haugen', role: 'member' },
  { email: 'helpdesk@demo.seatdesk.test', name: 'Esme Takahashi', role: 'helpdesk' },
  { email: 'operator@demo.seatdesk.test', name: 'Farid Novak', role: 'operator' },
];

/** The demo organization's licenses, on the default catalog (db:seed adds it first). */
export const DEMO_LICENSES = [
  { sku: 'SD-TS', edition: 'Premium', termMonths: 12, seats: 10, expiresInDays: 200, autoRenew: true },
  { sku: 'SD-ES', edition: 'Business', termMonths: 12, seats: 25, expiresInDays: 21, autoRenew: false },
  { sku: 'SD-MS', edition: 'Standard', termMonths: 12, seats: 5, expiresInDays: -5, autoRenew: false },
];

export interface DemoAccount {
  email: string;
  role: Role;
  password: string;
}

/**
 * A demo organization with its people, each with a fresh random password
 * printed once. Everything is created in one transaction, and nothing when
 * the demo organization already exists.
 */
export class DemoSeeder {
  async run(app: INestApplicationContext, out: SeedOutput): Promise<DemoAccount[]> {
    const organizations = app.get(OrganizationsService);
    const users = app.get(PeopleService);
    const policy = app.get(PasswordPolicy);
    const config = app.get<AppConfig>(APP_CONFIG);

    const accounts = await withContext(app, async () => {
      if (await organizations.findByName(DEMO_ORGANIZATION)) return null;
      return app.get(MikroORM).em.transactional(async () => {
        const org = await organizations.create(DEMO_ORGANIZATION);
        const created: DemoAccount[] = [];
        for (const spec of DEMO_PEOPLE) {
          const password = await passwordFor(spec, policy);
          await users
            .createPerson({
              ...spec,
              password,
              organizationId: spec.role === 'admin' || spec.role === 'member' ? org.id : null,
            })
            .catch((err: unknown) => {
              if (!(err instanceof InputRefused)) throw err;
              // Say which demo person clashes (usually an address taken by hand).
              throw new Error(`cannot create the demo person ${spec.email}: ${err.message}`);
            });
          created.push({ email: spec.email, role: spec.role, password });
        }
        await this.licenses(app, org.id);
        await this.billing(app, org.id);
        return created;
      });
    });

    if (!accounts) {
      out.line(`Demo data already exists (organization "${DEMO_ORGANIZATION}"): nothing created.`);
      return [];
    }
    out.line(
      `Created the organization "${DEMO_ORGANIZATION}" with ${accounts.length} people, ${DEMO_LICENSES.length} licenses and two invoices.`,
    );
    out.line('Their passwords are shown only this once:');
    out.line();
    out.table(
      ['email', 'role', 'password'],
      accounts.map((a) => [a.email, a.role, a.password]),
    );
    out.line();
    out.line(`Sign in at ${config.baseUrl}/login`);
    return accounts;
  }

  private async licenses(app: INestApplicationContext, organizationId: string): Promise<void> {
    const catalog = app.get(CatalogService);
    const now = +app.get(Clock).now();
    for (const spec of DEMO_LICENSES) {
      const product = await catalog.productBySku(spec.sku);
      const plan =
        product &&
        (await catalog.plans(product.id)).find((p) => p.edition === spec.edition && p.termMonths === spec.termMonths);
      if (!product || !plan) throw new Error(`the demo needs the default catalog's ${spec.sku} ${spec.edition} plan`);
      const expiresAt = now + spec.expiresInDays * 86_400_000;
      await app.get(LicensesService).create({
        organizationId,
        productId: product.id,
        planId: plan.id,
        seats: spec.seats,
        startsAt: expiresAt - 365 * 86_400_000,
        expiresAt,
        autoRenew: spec.autoRenew,
      });
    }
  }

  // Billing details, a test card, a tax rate for the demo's country, and two orders:
  // extra seats paid by card, an early renewal on an open invoice.
  private async billing(app: INestApplicationContext, organizationId: string): Promise<void> {
    const settings = app.get(BillingSettingsService);
    if (!(await settings.taxRates()).some((rate) => rate.country === 'DE')) {
      await settings.setTaxRate({ country: 'DE', rate: '19', label: 'VAT' });
    }
    await app.get(BillingProfilesService).update(organizationId, {
      companyName: `${DEMO_ORGANIZATION} GmbH`,
      addressLine1: 'Hafenstraße 12',
      postalCode: '20457',
      city: 'Hamburg',
      country: 'DE',
      taxId: 'DE123456789',
      poReference: 'PO-2026-0042',
    });
    const card = await app.get(PaymentMethodsService).add(organizationId, {
      holderName: 'Demo Admin',
      cardNumber: '4242 4242 4242 4242',
      expiry: `12/${(new Date(+app.get(Clock).now()).getUTCFullYear() + 3) % 100}`,
      cvc: '123',
    });
    const orders = app.get(OrdersService);
    const licenses = await app.get(LicensesService).allOf(organizationId);
    const bySku = (sku: string) => licenses.find((license) => license.product.sku === sku)!;
    const seats = await orders.quote(organizationId, bySku('SD-TS').id, { kind: 'add_seats', seats: 2 });
    await orders.place(organizationId, seats.id, { card: card.id });
    const renewal = await orders.quote(organizationId, bySku('SD-ES').id, { kind: 'renew' });
    await orders.place(organizationId, renewal.id, 'invoice');
  }
}

// A random password could, very rarely, contain part of the person's name.
async function passwordFor(person: DemoPerson, policy: PasswordPolicy): Promise<string> {
  for (;;) {
    const password = randomPassword();
    if ((await policy.check(password, person)) === null) return password;
  }
}

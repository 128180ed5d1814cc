import type { DynamicModule, Type } from '@nestjs/common';
import type { MigrationObject } from '@mikro-orm/core';
import type { Principal, RoleName } from '../../common/http/principal';

/**
 * The plugin API version this SeatDesk provides. A plugin declares the
 * version it was written for in `apiVersion`; the host refuses to start with
 * a plugin whose `apiVersion` differs. Raised only on a breaking change to
 * this file or to what `plugin-api.ts` exports.
 */
export const HOST_API_VERSION = 1;

/**
 * A navigation item a plugin adds to the top navigation. Shown after the
 * core items, to the listed roles only.
 */
export interface PluginNavItem {
  /** Short label, e.g. "Webhooks". */
  label: string;
  /** Must be `/plugins/<id>` or start with `/plugins/<id>/`. */
  href: string;
  /** A Tabler icon name without the `ti-` prefix, e.g. `webhook`. */
  icon: string;
  /** Who sees the item. Protect the routes with `@Roles(...)` as well: the nav only hides. */
  roles: RoleName[];
}

/**
 * Loads what a plugin's dashboard card shows one person: the partial's
 * context. Null hides the card for them. An `@Injectable()` class listed in
 * the plugin module's `providers`.
 */
export interface PluginWidgetData {
  load(user: Principal): Promise<Record<string, unknown> | null>;
}

/**
 * A card a plugin offers to the dashboard, rendered with what its `data`
 * provider loads, or (without one) with `name` and `orgName` of the person looking.
 */
export interface PluginDashboardWidget {
  /** Unique within the plugin, e.g. `failed-deliveries`. */
  id: string;
  /** The card's heading. */
  title: string;
  /** A namespaced partial of the plugin: `plugins/<id>/<name>` (from `views/partials/<name>.hbs`). */
  partial: string;
  /** Who sees the card (default: the plugin's nav roles, else operators). */
  roles?: RoleName[];
  /** A provider of the plugin (in its module's `providers`) loading the card's data for each person. */
  data?: Type<PluginWidgetData>;
}

/**
 * A migration of the plugin's own tables. Appended by the host after the
 * core migrations, in the order listed, and applied at start like them.
 */
export interface PluginMigration {
  /** Unique and never renamed once shipped; must start with `plg_<id>_`, e.g. `plg_webhooks_0001_init`. */
  name: string;
  /** A class extending `Migration` from `@mikro-orm/migrations`. */
  class: MigrationObject['class'];
}

/** The card a payment is taken from, as SeatDesk keeps it (never the full number). */
export interface PaymentCard {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  holderName: string;
  /** What the provider gave back when the card was added (its own token), if anything. */
  providerRef: string | null;
}

/** One payment SeatDesk asks a provider to take. */
export interface PaymentRequest {
  /**
   * The same for every attempt at the same payment (an order's id): a
   * provider must not charge twice for one key, so a retry after a crash
   * is safe.
   */
  idempotencyKey: string;
  organizationId: string;
  /** Integer minor units of `currency` (EUR 12.34 is 1234). */
  amountMinor: number;
  /** ISO 4217, e.g. `EUR`. */
  currency: string;
  /** What is bought, for the provider's records ("Invoice INV-2026-000123"). */
  description: string;
  /** The card to charge; null when paying by invoice. */
  card: PaymentCard | null;
}

/**
 * What `authorize` answered: `approved` (the money is reserved: capture
 * follows), `pending` (nothing to capture now: the customer pays later, as
 * with an invoice) or `declined` with a reason SeatDesk shows the admin.
 */
export type PaymentAuthorization =
  | { outcome: 'approved'; reference: string }
  | { outcome: 'pending'; reference: string | null }
  | { outcome: 'declined'; reason: string };

/** The answer of `capture` and `refund`. */
export type PaymentResult = { ok: true; reference: string } | { ok: false; reason: string };

/**
 * A way to take payments. SeatDesk ships `invoice` (the customer pays the
 * invoice; an operator marks it paid) and `test` (approves every card but a
 * few test numbers: for demos). A plugin offers one more with
 * `paymentProvider`; it then takes every card payment.
 */
export interface PaymentProvider {
  /** Short, unique, shown on each payment: `test`, `invoice`, `acme-pay`. */
  id: string;
  /** Shown to people: "Acme Pay". */
  label: string;
  /** Reserves the amount (or refuses it). Called once per idempotency key attempt. */
  authorize(request: PaymentRequest): Promise<PaymentAuthorization>;
  /** Takes the reserved amount (`reference` from `authorize`). */
  capture(reference: string, amountMinor: number, currency: string): Promise<PaymentResult>;
  /** Gives back `amountMinor` of a captured payment (a credit note). */
  refund(reference: string, amountMinor: number, currency: string, idempotencyKey: string): Promise<PaymentResult>;
}

/** What a plugin declares in `plugins/<id>/index.ts`. */
export interface PluginManifest {
  /** Equals the plugin's folder name: lowercase letters, digits and dashes, e.g. `webhooks`. */
  id: string;
  /** Human name shown on /admin/plugins, e.g. "Webhooks". */
  name: string;
  /** The plugin's own version (semver), shown on /admin/plugins. */
  version: string;
  /** The plugin API version the plugin was written for: `HOST_API_VERSION`. */
  apiVersion: number;
  /** A short sentence on what the plugin does, shown on /admin/plugins. */
  description?: string;
  /**
   * The plugin's root Nest module (a class decorated with `@Module`, or a
   * `DynamicModule`). Its controllers must be mounted under `plugins/<id>`.
   */
  module: Type<unknown> | DynamicModule;
  /**
   * MikroORM entity classes the plugin owns. Each table must be named
   * `plg_<id>_<name>`. Do not call `MikroOrmModule.forFeature()`: the host
   * registers the entities; inject `EntityManager` to use them.
   */
  entities?: Type<unknown>[];
  /** Migrations creating and changing the plugin's tables (`plg_<id>_<name>`). */
  migrations?: PluginMigration[];
  /** Items for the top navigation. */
  nav?: PluginNavItem[];
  /** Cards for the dashboard, after the core modules' cards. */
  dashboardWidgets?: PluginDashboardWidget[];
  /** A payment provider: it takes the card payments of every organization (see `PaymentProvider`). */
  paymentProvider?: PaymentProvider;
}

const PLUGIN_BRAND = Symbol.for('seatdesk.plugin-definition');

/** A manifest checked by `definePlugin`: what `index.ts` default-exports. */
export type PluginDefinition = Readonly<PluginManifest> & { readonly [PLUGIN_BRAND]: true };

/**
 * Declares a plugin. `plugins/<id>/index.ts` must `export default
 * definePlugin({...})`; the host checks the id, folder and API version
 * before the application is built.
 */
export function definePlugin(manifest: PluginManifest): PluginDefinition {
  return Object.freeze({ ...manifest, [PLUGIN_BRAND]: true as const });
}

/** True for what `definePlugin` returned (and nothing else). */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true;
}

import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound, type FieldErrors } from '../../common/errors/app-error';
import { parseAmount } from '../../common/money';
import { AuditService } from '../../platform/audit/audit.service';
import { AppEvents } from '../../platform/events/app-events.service';
import { CatalogRepository, type PlanRow, type ProductRow } from './catalog.repository';
import { parsePlatforms, PLATFORMS, type Platform } from './platforms';

export interface ProductInput {
  name: string;
  platforms?: unknown;
  agentVersion: string;
}

export interface PlanInput {
  edition: string;
  seats: string | number;
  termMonths: string | number;
  pricePerSeat: string;
  currency: string;
}

/** A product with its plans and the upgrade paths between them. */
export interface ProductDetails extends ProductRow {
  plans: (PlanRow & { upgradesTo: string[] })[];
}

/** What `product:create` and the demo give a product that comes with no plan of its own. */
export const DEFAULT_PLAN: PlanInput = {
  edition: 'Standard',
  seats: 5,
  termMonths: 12,
  pricePerSeat: '30.00',
  currency: 'EUR',
};

const productTarget = (product: Pick<ProductRow, 'id' | 'name' | 'sku'>) => ({
  type: 'product',
  id: product.id,
  label: `${product.name} (${product.sku})`,
});

/**
 * The product catalog, kept by operators: products (SKU, name, the platforms
 * their agent runs on, its current version) and their plans (edition, seats,
 * term, price per seat), with upgrade paths between plans. Licenses are sold
 * on a plan; devices compare their agent with the product's current version.
 */
@Injectable()
export class CatalogService {
  constructor(
    private readonly em: EntityManager,
    private readonly catalog: CatalogRepository,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
    private readonly clock: Clock,
  ) {}

  products(): Promise<ProductRow[]> {
    return this.catalog.products();
  }

  async product(id: string): Promise<ProductRow> {
    const product = await this.catalog.product(id);
    if (!product) throw new NotFound('Product not found.');
    return product;
  }

  /** The product with this SKU, or null. */
  async productBySku(sku: string): Promise<ProductRow | null> {
    return (await this.catalog.productBySku(sku.trim().toUpperCase())) ?? null;
  }

  async productsByIds(ids: readonly string[]): Promise<Map<string, ProductRow>> {
    const rows = await this.catalog.productsByIds([...new Set(ids)]);
    return new Map(rows.map((row) => [row.id, row]));
  }

  async plansByIds(ids: readonly string[]): Promise<Map<string, PlanRow>> {
    const rows = await this.catalog.plansByIds([...new Set(ids)]);
    return new Map(rows.map((row) => [row.id, row]));
  }

  async plan(id: string): Promise<PlanRow> {
    const plan = await this.catalog.plan(id);
    if (!plan) throw new NotFound('Plan not found.');
    return plan;
  }

  plans(productId: string): Promise<PlanRow[]> {
    return this.catalog.plans(productId);
  }

  /** Every plan of every product, in one query (the new-license form lists them all). */
  allPlans(): Promise<PlanRow[]> {
    return this.catalog.allPlans();
  }

  async details(id: string): Promise<ProductDetails> {
    const product = await this.product(id);
    const [plans, upgrades] = await Promise.all([this.catalog.plans(id), this.catalog.upgradesOf(id)]);
    return {
      ...product,
      plans: plans.map((plan) => ({
        ...plan,
        upgradesTo: upgrades.filter((u) => u.fromPlanId === plan.id).map((u) => u.toPlanId),
      })),
    };
  }

  /** Adds a product with its first plan (the given one, or the default). */
  async createProduct(input: ProductInput & { sku: string }, firstPlan: PlanInput = DEFAULT_PLAN): Promise<ProductRow> {
    const platforms = this.platformsOf(input.platforms);
    const plan = this.planValues(firstPlan);
    const now = +this.clock.now();
    const product: ProductRow = {
      id: randomUUID(),
      sku: input.sku.trim().toUpperCase(),
      name: input.name.trim(),
      platforms,
      agentVersion: input.agentVersion.trim(),
      createdAt: now,
      updatedAt: now,
    };
    return this.em.transactional(async () => {
      if (await this.catalog.productBySku(product.sku)) {
        throw new InputRefused({ sku: `A product with the SKU ${product.sku} exists already.` });
      }
      await this.catalog.insertProduct(product);
      await this.catalog.insertPlan({ ...plan, id: randomUUID(), productId: product.id }, now);
      await this.audit.record({
        action: 'product.created',
        target: productTarget(product),
        details: { platforms: platforms.join(','), agentVersion: product.agentVersion, plan: plan.edition },
      });
      return product;
    });
  }

  async updateProduct(id: string, input: ProductInput): Promise<ProductRow> {
    const platforms = this.platformsOf(input.platforms);
    return this.em.transactional(async () => {
      const before = await this.product(id);
      const changes = { name: input.name.trim(), platforms, agentVersion: input.agentVersion.trim() };
      await this.catalog.updateProduct(id, changes, +this.clock.now());
      const changed = Object.fromEntries(
        (['name', 'agentVersion'] as const)
          .filter((key) => before[key] !== changes[key])
          .map((key) => [key, `${before[key]} → ${changes[key]}`]),
      );
      if (before.platforms.join(',') !== platforms.join(',')) {
        changed.platforms = `${before.platforms.join(',')} → ${platforms.join(',')}`;
      }
      if (Object.keys(changed).length > 0) {
        await this.audit.record({
          action: 'product.updated',
          target: productTarget({ ...before, ...changes }),
          details: changed,
        });
      }
      if (before.agentVersion !== changes.agentVersion) {
        this.events.emit('product.agent_version_changed', {
          productId: id,
          from: before.agentVersion,
          to: changes.agentVersion,
        });
      }
      return { ...before, ...changes };
    });
  }

  async addPlan(productId: string, input: PlanInput): Promise<PlanRow> {
    const values = this.planValues(input);
    return this.em.transactional(async () => {
      const product = await this.product(productId);
      if (await this.catalog.planByEdition(productId, values.edition, values.termMonths)) {
        throw new InputRefused({
          edition: `${product.name} has a ${values.edition} plan for ${values.termMonths} months already.`,
        });
      }
      const plan: PlanRow = { ...values, id: randomUUID(), productId };
      await this.catalog.insertPlan(plan, +this.clock.now());
      await this.audit.record({
        action: 'plan.created',
        target: productTarget(product),
        details: {
          edition: plan.edition,
          seats: plan.seats,
          termMonths: plan.termMonths,
          pricePerSeatMinor: plan.pricePerSeatMinor,
          currency: plan.currency,
        },
      });
      return plan;
    });
  }

  /** Lets licenses on one plan move to another of the same product (upgrade). */
  async addUpgrade(productId: string, fromPlanId: string, toPlanId: string): Promise<void> {
    await this.em.transactional(async () => {
      const { product, from, to } = await this.pathEnds(productId, fromPlanId, toPlanId);
      if ((await this.catalog.addUpgrade(from.id, to.id)) === 0) return;
      await this.audit.record({
        action: 'plan.upgrade_added',
        target: productTarget(product),
        details: { from: planName(from), to: planName(to) },
      });
    });
  }

  async removeUpgrade(productId: string, fromPlanId: string, toPlanId: string): Promise<void> {
    await this.em.transactional(async () => {
      const { product, from, to } = await this.pathEnds(productId, fromPlanId, toPlanId);
      if ((await this.catalog.removeUpgrade(from.id, to.id)) === 0) return;
      await this.audit.record({
        action: 'plan.upgrade_removed',
        target: productTarget(product),
        details: { from: planName(from), to: planName(to) },
      });
    });
  }

  private async pathEnds(productId: string, fromPlanId: string, toPlanId: string) {
    const product = await this.product(productId);
    const [from, to] = await Promise.all([this.catalog.plan(fromPlanId), this.catalog.plan(toPlanId)]);
    const errors: FieldErrors = {};
    if (!from || from.productId !== productId) errors.fromPlanId = `Choose one of ${product.name}'s plans.`;
    if (!to || to.productId !== productId) errors.toPlanId = `Choose one of ${product.name}'s plans.`;
    else if (from && from.id === to.id) errors.toPlanId = 'Choose a different plan to upgrade to.';
    if (Object.keys(errors).length > 0 || !from || !to) throw new InputRefused(errors);
    return { product, from, to };
  }

  private platformsOf(input: unknown): Platform[] {
    const { platforms, unknown } = parsePlatforms(input);
    if (unknown.length > 0) {
      throw new InputRefused({
        platforms: `Unknown platform “${unknown.join(', ')}”: choose from ${PLATFORMS.join(', ')}.`,
      });
    }
    if (platforms.length === 0) throw new InputRefused({ platforms: 'Choose at least one platform.' });
    return platforms;
  }

  private planValues(input: PlanInput): Omit<PlanRow, 'id' | 'productId'> {
    const errors: FieldErrors = {};
    const seats = Number(input.seats);
    const termMonths = Number(input.termMonths);
    const currency = String(input.currency ?? '').toUpperCase();
    const price = parseAmount(String(input.pricePerSeat ?? ''), currency);
    const edition = String(input.edition ?? '').trim();
    if (edition === '') errors.edition = 'Enter the edition, like Business.';
    if (!Number.isInteger(seats) || seats < 1 || seats > 100_000)
      errors.seats = 'Enter the number of seats, 1 to 100000.';
    if (!Number.isInteger(termMonths) || termMonths < 1 || termMonths > 60) {
      errors.termMonths = 'Enter the term in months, 1 to 60.';
    }
    if (price === null) errors.pricePerSeat = `Enter the price per seat in ${currency || 'the currency'}, like 29.99.`;
    if (Object.keys(errors).length > 0 || price === null) throw new InputRefused(errors);
    return { edition, seats, termMonths, pricePerSeatMinor: price, currency };
  }
}

const planName = (plan: PlanRow) => `${plan.edition}, ${plan.termMonths} months`;
export type { PlanRow, ProductRow } from './catalog.repository';

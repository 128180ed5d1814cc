import { Injectable } from '@nestjs/common';
import { placeholders, Sql } from '../../platform/database/sql';
import type { Platform } from './platforms';

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  platforms: Platform[];
  agentVersion: string;
  createdAt: number;
  updatedAt: number;
}

export interface PlanRow {
  id: string;
  productId: string;
  edition: string;
  seats: number;
  termMonths: number;
  pricePerSeatMinor: number;
  currency: string;
}

const PRODUCT = `select id, sku, name, platforms, agent_version as agentVersion, created_at as createdAt,
  updated_at as updatedAt from products`;
const PLAN = `select id, product_id as productId, edition, seats, term_months as termMonths,
  price_per_seat_minor as pricePerSeatMinor, currency from plans`;

type StoredProduct = Omit<ProductRow, 'platforms'> & { platforms: string };
const product = (row: StoredProduct | undefined): ProductRow | undefined =>
  row && { ...row, platforms: row.platforms.split(',').filter(Boolean) as Platform[] };

/**
 * The catalog's tables (products, plans, plan_upgrades): plain rows through
 * `Sql`, in the caller's transaction. The catalog is small (tens of products),
 * so lists are read whole, ordered by name.
 */
@Injectable()
export class CatalogRepository {
  constructor(private readonly sql: Sql) {}

  async products(): Promise<ProductRow[]> {
    const rows = await this.sql.all<StoredProduct>(`${PRODUCT} order by name, id`);
    return rows.map((row) => product(row)!);
  }

  async product(id: string): Promise<ProductRow | undefined> {
    return product(await this.sql.get<StoredProduct>(`${PRODUCT} where id = ?`, [id]));
  }

  async productBySku(sku: string): Promise<ProductRow | undefined> {
    return product(await this.sql.get<StoredProduct>(`${PRODUCT} where sku = ?`, [sku]));
  }

  async productsByIds(ids: readonly string[]): Promise<ProductRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.all<StoredProduct>(`${PRODUCT} where id in (${placeholders(ids.length)})`, ids);
    return rows.map((row) => product(row)!);
  }

  async insertProduct(row: ProductRow): Promise<void> {
    await this.sql.run(
      `insert into products (id, sku, name, platforms, agent_version, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`,
      [row.id, row.sku, row.name, row.platforms.join(','), row.agentVersion, row.createdAt, row.updatedAt],
    );
  }

  async updateProduct(
    id: string,
    changes: { name: string; platforms: Platform[]; agentVersion: string },
    now: number,
  ): Promise<number> {
    const result = await this.sql.run(
      `update products set name = ?, platforms = ?, agent_version = ?, updated_at = ? where id = ?`,
      [changes.name, changes.platforms.join(','), changes.agentVersion, now, id],
    );
    return result.changes;
  }

  plans(productId: string): Promise<PlanRow[]> {
    return this.sql.all<PlanRow>(`${PLAN} where product_id = ? order by term_months, seats, edition, id`, [productId]);
  }

  /** Every plan of the catalog (a few dozen), by product, as plans() orders them. */
  allPlans(): Promise<PlanRow[]> {
    return this.sql.all<PlanRow>(`${PLAN} order by product_id, term_months, seats, edition, id`);
  }

  plan(id: string): Promise<PlanRow | undefined> {
    return this.sql.get<PlanRow>(`${PLAN} where id = ?`, [id]);
  }

  plansByIds(ids: readonly string[]): Promise<PlanRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.sql.all<PlanRow>(`${PLAN} where id in (${placeholders(ids.length)})`, ids);
  }

  planByEdition(productId: string, edition: string, termMonths: number): Promise<PlanRow | undefined> {
    return this.sql.get<PlanRow>(`${PLAN} where product_id = ? and edition = ? and term_months = ?`, [
      productId,
      edition,
      termMonths,
    ]);
  }

  async insertPlan(row: PlanRow, now: number): Promise<void> {
    await this.sql.run(
      `insert into plans (id, product_id, edition, seats, term_months, price_per_seat_minor, currency, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [row.id, row.productId, row.edition, row.seats, row.termMonths, row.pricePerSeatMinor, row.currency, now, now],
    );
  }

  /** The upgrade paths out of the product's plans: from plan id → to plan ids. */
  async upgradesOf(productId: string): Promise<{ fromPlanId: string; toPlanId: string }[]> {
    return this.sql.all(
      `select u.from_plan_id as fromPlanId, u.to_plan_id as toPlanId
         from plan_upgrades u join plans p on p.id = u.from_plan_id
        where p.product_id = ?`,
      [productId],
    );
  }

  /** Adds an upgrade path; 0 when it existed already. */
  async addUpgrade(fromPlanId: string, toPlanId: string): Promise<number> {
    const result = await this.sql.run(
      `insert into plan_upgrades (from_plan_id, to_plan_id) values (?, ?) on conflict do nothing`,
      [fromPlanId, toPlanId],
    );
    return result.changes;
  }

  async removeUpgrade(fromPlanId: string, toPlanId: string): Promise<number> {
    const result = await this.sql.run(`delete from plan_upgrades where from_plan_id = ? and to_plan_id = ?`, [
      fromPlanId,
      toPlanId,
    ]);
    return result.changes;
  }
}

import type { INestApplicationContext } from '@nestjs/common';
import { CatalogService } from '../src/modules/catalog/catalog.service';
import { KbService } from '../src/modules/kb/kb.service';
import { withContext } from '../src/platform/database/request-context';
import { CATALOG_DEFAULTS, UPGRADE_DEFAULTS } from './catalog-defaults';
import { KB_ARTICLES } from './kb-articles';

/** Where seeders report; the CLI's CliOutput. */
export interface SeedOutput {
  line(text?: string): void;
  table(headers: string[], rows: string[][]): void;
}

/**
 * The defaults every install needs: the catalog's products, plans and
 * upgrade paths, and the knowledge base's guides when it has no article yet. Each step ensures its rows exist and changes nothing when
 * they do (a product is found by SKU, a plan by edition and term), so
 * db:seed is safe to run on every deploy; an operator's own changes to a
 * product are kept.
 */
export class DatabaseSeeder {
  async run(app: INestApplicationContext, out: SeedOutput): Promise<void> {
    const catalog = app.get(CatalogService);
    const added = await withContext(app, async () => {
      let products = 0;
      let plans = 0;
      for (const spec of CATALOG_DEFAULTS) {
        let product = await catalog.productBySku(spec.sku);
        if (!product) {
          product = await catalog.createProduct(spec, spec.plans[0]);
          products++;
          plans++;
        }
        const existing = await catalog.plans(product.id);
        for (const plan of spec.plans) {
          if (existing.some((p) => p.edition === plan.edition && p.termMonths === Number(plan.termMonths))) continue;
          await catalog.addPlan(product.id, plan);
          plans++;
        }
      }
      for (const [sku, [fromEdition, fromMonths], [toEdition, toMonths]] of UPGRADE_DEFAULTS) {
        const product = await catalog.productBySku(sku);
        if (!product) continue;
        const productPlans = await catalog.plans(product.id);
        const from = productPlans.find((p) => p.edition === fromEdition && p.termMonths === fromMonths);
        const to = productPlans.find((p) => p.edition === toEdition && p.termMonths === toMonths);
        if (from && to) await catalog.addUpgrade(product.id, from.id, to.id);
      }
      return { products, plans };
    });
    out.line(
      added.products + added.plans === 0
        ? `Catalog defaults: all ${CATALOG_DEFAULTS.length} products and their plans exist already.`
        : `Catalog defaults: added ${added.products} products and ${added.plans} plans.`,
    );
    const articles = await withContext(app, () => app.get(KbService).seedIfEmpty(KB_ARTICLES));
    out.line(
      articles === 0
        ? 'Knowledge base: has articles already, none added.'
        : `Knowledge base: added ${articles} articles.`,
    );
  }
}

import { Body, Controller, Get, Injectable, Post, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { FormView, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { CatalogService, DEFAULT_PLAN } from './catalog.service';
import { currencyChoices, planLabel, platformChoices, productDetailsView, productRowView } from './catalog.view';
import { NewProductDto, ProductDetailsDto } from './dto/product.dto';
import { PlanDto, UpgradePathDto } from './dto/plan.dto';

const LIST = { label: 'Catalog', href: '/admin/catalog' };

const ticked = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];

// The new-product page; a refused form keeps the ticked platforms and the chosen currency.
const NEW_LOCALS = (req?: AppRequest) => {
  const body = (req?.body ?? {}) as Record<string, unknown>;
  return {
    title: 'New product',
    breadcrumbs: [LIST, { label: 'New product' }],
    platformChoices: platformChoices(req ? ticked(body.platforms) : ['windows', 'macos']),
    currencyChoices: currencyChoices(typeof body.currency === 'string' ? body.currency : DEFAULT_PLAN.currency),
  };
};

/** The product page around a refused form: its plans, and the form's own choices kept. */
@Injectable()
export class ProductPageLocals extends FormPageLocals {
  constructor(private readonly catalog: CatalogService) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    const id = req.params.id;
    if (form.view !== 'catalog/show' || typeof id !== 'string') return undefined;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const product = productDetailsView(await this.catalog.details(id));
    return {
      ...productPage(product),
      platformChoices: platformChoices(req.path.endsWith(id) ? ticked(body.platforms) : product.platforms),
      currencyChoices: currencyChoices(typeof body.currency === 'string' ? body.currency : DEFAULT_PLAN.currency),
    };
  }
}

function productPage(product: ReturnType<typeof productDetailsView>) {
  return { title: product.name, breadcrumbs: [LIST, { label: product.name }], product };
}

/** Operators keep the product catalog: products, plans and upgrade paths. */
@Controller('admin/catalog')
@Roles('operator')
@UseInterceptors(ProductPageLocals)
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @Render('catalog/index')
  async index() {
    const products = await this.catalog.products();
    return { title: 'Catalog', breadcrumbs: [{ label: 'Catalog' }], rows: products.map(productRowView) };
  }

  @Get('new')
  @Render('catalog/new')
  new() {
    return {
      ...NEW_LOCALS(),
      values: { agentVersion: '1.0.0', ...DEFAULT_PLAN, pricePerSeat: DEFAULT_PLAN.pricePerSeat },
    };
  }

  @Post()
  @FormView('catalog/new', NEW_LOCALS)
  async create(@Body() body: NewProductDto, @Res() res: Response) {
    const product = await this.catalog.createProduct(body, body);
    setFlash(res, 'success', `${product.name} (${product.sku}) was added to the catalog with its first plan.`);
    return res.redirect(303, `/admin/catalog/${product.id}`);
  }

  @Get(':id')
  @Render('catalog/show')
  async show(@UuidParam() id: string) {
    const product = productDetailsView(await this.catalog.details(id));
    return {
      ...productPage(product),
      platformChoices: platformChoices(product.platforms),
      currencyChoices: currencyChoices(product.plans[0]?.currency ?? DEFAULT_PLAN.currency),
      values: { name: product.name, agentVersion: product.agentVersion },
    };
  }

  @Post(':id')
  @FormView('catalog/show')
  async update(@UuidParam() id: string, @Body() body: ProductDetailsDto, @Res() res: Response) {
    const product = await this.catalog.updateProduct(id, body);
    setFlash(res, 'success', `${product.name} was saved.`);
    return res.redirect(303, `/admin/catalog/${id}`);
  }

  @Post(':id/plans')
  @FormView('catalog/show')
  async addPlan(@UuidParam() id: string, @Body() body: PlanDto, @Res() res: Response) {
    const plan = await this.catalog.addPlan(id, body);
    setFlash(res, 'success', `The plan ${planLabel(plan)} was added.`);
    return res.redirect(303, `/admin/catalog/${id}#plans`);
  }

  @Post(':id/upgrades')
  @FormView('catalog/show')
  async addUpgrade(@UuidParam() id: string, @Body() body: UpgradePathDto, @Res() res: Response) {
    await this.catalog.addUpgrade(id, body.fromPlanId, body.toPlanId);
    setFlash(res, 'success', 'The upgrade path was added.');
    return res.redirect(303, `/admin/catalog/${id}#plans`);
  }

  @Post(':id/upgrades/remove')
  @FormView('catalog/show')
  async removeUpgrade(@UuidParam() id: string, @Body() body: UpgradePathDto, @Res() res: Response) {
    await this.catalog.removeUpgrade(id, body.fromPlanId, body.toPlanId);
    setFlash(res, 'success', 'The upgrade path was removed.');
    return res.redirect(303, `/admin/catalog/${id}#plans`);
  }
}

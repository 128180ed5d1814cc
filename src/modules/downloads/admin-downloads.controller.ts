import { Body, Controller, Get, Injectable, Post, Render, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, FormView, Roles, type FormViewSpec } from '../../common/http/decorators';
import { FormPageLocals } from '../../common/http/form-page-locals';
import { ConfirmFormDto } from '../../common/http/form.dto';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { CatalogService } from '../catalog/catalog.service';
import { DownloadsService } from './downloads.service';
import { platformOptions, releaseGroupsView, releaseRowView } from './downloads.view';
import { ReleaseDto } from './dto/release.dto';
import { Installer, type InstallerUpload } from './installer-upload';

const LIST = { label: 'Downloads', href: '/admin/downloads' };

/** The upload form's page: the catalog's products and the platforms, the form's choices kept. */
async function newReleasePage(catalog: CatalogService, chosen: { productId?: unknown; platform?: unknown } = {}) {
  const products = await catalog.products();
  return {
    title: 'Upload a release',
    breadcrumbs: [LIST, { label: 'Upload a release' }],
    productOptions: products.map((product) => ({
      value: product.id,
      label: `${product.name} (${product.sku})`,
      selected: product.id === chosen.productId,
    })),
    platformOptions: platformOptions(typeof chosen.platform === 'string' ? chosen.platform : undefined),
  };
}

/** The upload page around a refused upload. */
@Injectable()
export class NewReleasePageLocals extends FormPageLocals {
  constructor(private readonly catalog: CatalogService) {
    super();
  }

  protected async locals(req: AppRequest, form: FormViewSpec) {
    if (form.view !== 'downloads/new') return undefined;
    return newReleasePage(this.catalog, (req.body ?? {}) as Record<string, unknown>);
  }
}

/** Operators upload installers per product, platform and version, mark one current, withdraw bad ones. */
@Controller('admin/downloads')
@Roles('operator')
@UseInterceptors(NewReleasePageLocals)
export class AdminDownloadsController {
  constructor(
    private readonly downloads: DownloadsService,
    private readonly catalog: CatalogService,
  ) {}

  @Get()
  @Render('downloads/admin-index')
  async index() {
    const releases = await this.downloads.list();
    return { title: 'Downloads', breadcrumbs: [{ label: 'Downloads' }], groups: releaseGroupsView(releases) };
  }

  @Get('new')
  @Render('downloads/new')
  newRelease() {
    return newReleasePage(this.catalog);
  }

  @Post('new')
  @FormView('downloads/new')
  async upload(
    @Body() body: ReleaseDto,
    @Installer() upload: InstallerUpload | undefined,
    @CurrentUser() user: Principal,
    @Res() res: Response,
  ) {
    const release = releaseRowView(await this.downloads.upload(body, upload, user.personId));
    setFlash(
      res,
      'success',
      `${release.productName} ${release.version} for ${release.platformLabel} was uploaded (${release.size}, SHA-256 ${release.sha256}). Mark it current to offer it.`,
    );
    return res.redirect(303, '/admin/downloads');
  }

  @Post(':id/current')
  async markCurrent(@UuidParam() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const release = releaseRowView(await this.downloads.markCurrent(id));
    setFlash(
      res,
      'success',
      `${release.productName} ${release.version} is now the current release for ${release.platformLabel}.`,
    );
    return res.redirect(303, '/admin/downloads');
  }

  @Get(':id/withdraw')
  @Render('downloads/withdraw')
  async confirmWithdraw(@UuidParam() id: string) {
    const release = releaseRowView(await this.downloads.release(id));
    return {
      title: 'Withdraw a release',
      breadcrumbs: [LIST, { label: `Withdraw ${release.productName} ${release.version}` }],
      release,
    };
  }

  @Post(':id/withdraw')
  @FormView('downloads/withdraw')
  async withdraw(@UuidParam() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const release = releaseRowView(await this.downloads.withdraw(id));
    setFlash(
      res,
      'success',
      `${release.productName} ${release.version} for ${release.platformLabel} was withdrawn: it is no longer offered and its links stop working.`,
    );
    return res.redirect(303, '/admin/downloads');
  }
}

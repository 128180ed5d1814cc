import { Controller, Get, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { createReadStream } from 'node:fs';
import { OrgScope, Roles } from '../../common/http/decorators';
import { UuidParam } from '../../common/http/id-params';
import { DownloadLinks } from './download-links';
import { DownloadsService } from './downloads.service';
import { offerView } from './downloads.view';

/**
 * The organization's downloads: the current installer of each platform of
 * the products it holds a license for, through links signed for the
 * organization that work for an hour. The file needs the session as well (the
 * same organization): a link copied out of the browser is no use to anyone
 * outside it, and each download is audited with the person who made it.
 */
@Controller('downloads')
@Roles('admin', 'member')
export class DownloadsController {
  constructor(
    private readonly downloads: DownloadsService,
    private readonly links: DownloadLinks,
  ) {}

  @Get()
  @Render('downloads/index')
  async index(@OrgScope() orgId: string) {
    const offers = await this.downloads.offersFor(orgId);
    return {
      title: 'Downloads',
      breadcrumbs: [{ label: 'Downloads' }],
      products: offers.map((offer) => offerView(offer, (release) => this.links.linkTo(release.id, orgId))),
    };
  }

  @Get('file/:releaseId')
  async file(
    @OrgScope() orgId: string,
    @UuidParam('releaseId') releaseId: string,
    @Query('expires') expires: unknown,
    @Query('sig') sig: unknown,
    @Res() res: Response,
  ) {
    this.links.check(releaseId, orgId, expires, sig);
    const { release, path, size } = await this.downloads.download(orgId, releaseId);
    res.attachment(release.fileName);
    res.set({
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(size),
      'X-Content-Type-Options': 'nosniff',
    });
    const stream = createReadStream(path);
    stream.on('error', (err) => res.destroy(err));
    stream.pipe(res);
  }
}

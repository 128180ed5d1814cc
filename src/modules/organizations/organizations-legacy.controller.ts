import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../../common/http/decorators';

// /admin/orgs was the list's first address: bookmarks and scripts keep working.
// 301 for reads, 308 (method and body kept) for forms.
@Controller('admin/orgs')
@Roles('operator')
export class OrganizationsLegacyController {
  @All(['', '*path'])
  redirect(@Req() req: Request, @Res() res: Response): void {
    const target = '/admin/organizations' + req.originalUrl.slice('/admin/orgs'.length);
    res.redirect(req.method === 'GET' || req.method === 'HEAD' ? 301 : 308, target);
  }
}

import { Body, Controller, Get, Post, Query, Render, Res } from '@nestjs/common';
import { UuidParam } from '../../common/http/id-params';
import type { Response } from 'express';
import { FormView, Roles } from '../../common/http/decorators';
import { pageLinks, pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { OrganizationNameDto } from './dto/organization-name.dto';
import { OrganizationsService } from './organizations.service';

const LIST = { label: 'Organizations', href: '/admin/organizations' };
const NEW_LOCALS = () => ({ title: 'New organization', breadcrumbs: [LIST, { label: 'New organization' }] });
const EDIT_LOCALS = (id: string) => ({
  title: 'Rename organization',
  breadcrumbs: [LIST, { label: 'Rename organization' }],
  org: { id },
});

// A malformed id is as unknown as a missing one: 404, not 400.
const OrgId = () => UuidParam();

@Controller('admin/organizations')
@Roles('operator')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Get()
  @Render('organizations/index')
  async index(@Query() query: { q?: string; after?: string; before?: string }) {
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    const page = await this.orgs.list(pageRequest(query, 2), q);
    return {
      title: 'Organizations',
      breadcrumbs: [{ label: 'Organizations' }],
      q,
      isSearch: q !== '',
      rows: page.rows,
      ...pageLinks('/admin/organizations', { q }, page),
    };
  }

  @Get('new')
  @Render('organizations/new')
  new() {
    return { ...NEW_LOCALS(), values: {} };
  }

  @Post()
  @FormView('organizations/new', NEW_LOCALS)
  async create(@Body() body: OrganizationNameDto, @Res() res: Response) {
    const org = await this.orgs.create(body.name);
    setFlash(res, 'success', `Organization “${org.name}” created.`);
    return res.redirect(303, '/admin/organizations');
  }

  @Get(':id/edit')
  @Render('organizations/edit')
  async edit(@OrgId() id: string) {
    const org = await this.orgs.get(id);
    return {
      ...EDIT_LOCALS(id),
      org: { id: org.id, name: org.name, createdAt: org.createdAt },
      values: { name: org.name },
    };
  }

  @Post(':id')
  @FormView('organizations/edit', (req) => EDIT_LOCALS(String(req.params.id)))
  async update(@OrgId() id: string, @Body() body: OrganizationNameDto, @Res() res: Response) {
    const org = await this.orgs.rename(id, body.name);
    setFlash(res, 'success', `Organization renamed to “${org.name}”.`);
    return res.redirect(303, '/admin/organizations');
  }
}

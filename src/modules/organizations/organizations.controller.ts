import { Body, Controller, Get, Post, Query, Render, Res } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { ConfirmFormDto } from '../../common/http/form.dto';
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

/** How many of an organization's people its page lists (the rest: "and N more"). */
const PEOPLE_SHOWN = 10;

const ROLE_NAMES = { admin: 'Organization admin', member: 'Member' } as const;

const statusOf = (suspendedAt: number | Date | null) =>
  suspendedAt !== null
    ? { status: 'suspended', statusLabel: 'Suspended', statusColor: 'secondary' }
    : { status: 'active', statusLabel: 'Active', statusColor: 'green' };

const SUSPEND_LOCALS = (id: string, name = 'Organization') => ({
  title: `Suspend organization: ${name}`,
  breadcrumbs: [LIST, { label: name, href: `/admin/organizations/${id}` }, { label: 'Suspend organization' }],
  org: { id, name },
});

// A malformed id is as unknown as a missing one: 404, not 400.
const OrgId = () => UuidParam();

@Controller('admin/organizations')
@Roles('operator')
export class OrganizationsController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly clock: Clock,
  ) {}

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
      rows: page.rows.map((row) => ({ ...row, ...statusOf(row.suspendedAt) })),
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

  @Get(':id')
  @Render('organizations/show')
  async show(@OrgId() id: string) {
    const { org, usage, people } = await this.orgs.overview(id, PEOPLE_SHOWN);
    const now = +this.clock.now();
    return {
      title: org.name,
      breadcrumbs: [LIST, { label: org.name }],
      org: { id: org.id, name: org.name, createdAt: org.createdAt, suspendedAt: org.suspendedAt },
      ...statusOf(org.suspendedAt),
      suspended: org.suspendedAt !== null,
      usage,
      people: people.map((person) => {
        const locked = person.status === 'active' && person.lockedUntil !== null && person.lockedUntil > now;
        return {
          ...person,
          roleLabel: ROLE_NAMES[person.role],
          ...(person.status === 'disabled'
            ? { stateLabel: 'Disabled', stateColor: 'secondary' }
            : locked
              ? { stateLabel: 'Locked', stateColor: 'red' }
              : { stateLabel: 'Active', stateColor: 'green' }),
        };
      }),
      morePeople: Math.max(0, usage.people - people.length),
    };
  }

  @Get(':id/suspend')
  @Render('organizations/suspend')
  async confirmSuspend(@OrgId() id: string) {
    const org = await this.orgs.get(id);
    return { ...SUSPEND_LOCALS(org.id, org.name), suspended: org.suspendedAt !== null, values: {} };
  }

  @Post(':id/suspend')
  @FormView('organizations/suspend', (req) => SUSPEND_LOCALS(String(req.params.id)))
  async suspend(@OrgId() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const org = await this.orgs.suspend(id);
    setFlash(res, 'success', `“${org.name}” is suspended: its people are signed out and cannot sign in.`);
    return res.redirect(303, `/admin/organizations/${id}`);
  }

  @Post(':id/reactivate')
  async reactivate(@OrgId() id: string, @Body() _body: ConfirmFormDto, @Res() res: Response) {
    const { org, changed } = await this.orgs.reactivate(id);
    if (changed) setFlash(res, 'success', `“${org.name}” is active again: its people can sign in.`);
    return res.redirect(303, `/admin/organizations/${id}`);
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

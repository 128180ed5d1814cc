import { Controller, Get, Query, Render } from '@nestjs/common';
import { UuidParam } from '../../common/http/id-params';
import { CurrentUser, OrgScope, Roles } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { ROLE_LABELS } from '../../common/view/navigation';
import { profileView } from './person.view';
import { PeopleService } from './people.service';

const LIST = { label: 'People', href: '/org/users' };

/** An organization admin's view of their own organization's people. */
@Controller('org/users')
@Roles('admin')
export class OrgPeopleController {
  constructor(private readonly people: PeopleService) {}

  @Get()
  @Render('people/index')
  async index(@OrgScope() orgId: string, @Query() query: { q?: string; after?: string; before?: string }) {
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    const page = await this.people.listInOrg(orgId, pageRequest(query, 2), q);
    return {
      title: 'People',
      breadcrumbs: [{ label: 'People' }],
      q,
      isSearch: q !== '',
      rows: page.rows.map((row) => ({ ...row, roleLabel: ROLE_LABELS[row.role], disabled: row.status !== 'active' })),
      ...pageLinks('/org/users', { q }, page),
    };
  }

  @Get(':id')
  @Render('people/show')
  async show(@OrgScope() orgId: string, @UuidParam() id: string, @CurrentUser() user: Principal) {
    const person = await this.people.getInOrg(orgId, id);
    return {
      title: person.name,
      breadcrumbs: [LIST, { label: person.name }],
      profile: { ...profileView(person, user.orgName ?? null), disabled: person.status !== 'active' },
    };
  }
}

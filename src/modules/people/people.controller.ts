import { Controller, Get, Query, Render } from '@nestjs/common';
import { UuidParam } from '../../common/http/id-params';
import { CurrentUser, OrgScope, Roles } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { ROLE_LABELS } from '../../common/view/navigation';
import { profileView } from './person.view';
import { PeopleService } from './people.service';
import {
  filterChips,
  parsePeopleList,
  peopleListParams,
  personState,
  sortHeader,
  type PeopleListQuery,
} from './people-list';
import type { PeopleSort } from './people.repository';
import { Clock } from '../../common/clock';

const LIST = { label: 'People', href: '/org/users' };

/** An organization admin's view of their own organization's people. */
@Controller('org/users')
@Roles('admin')
export class OrgPeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('people/index')
  async index(@OrgScope() orgId: string, @Query() query: PeopleListQuery) {
    const filter = parsePeopleList(query);
    const page = await this.people.listInOrg(orgId, filter, pageRequest(query, 2));
    const now = this.clock.now().getTime();
    const params = peopleListParams(filter);
    const filtered = Boolean(filter.search || filter.role || filter.status || filter.twoFactor);
    const header = (sort: PeopleSort) => sortHeader('/org/users', filter, sort);
    return {
      title: 'People',
      breadcrumbs: [{ label: 'People' }],
      filter,
      q: filter.search ?? '',
      isFiltered: filtered,
      chips: filterChips('/org/users', filter),
      allHref: '/org/users',
      sortBy: { name: header('name'), email: header('email'), role: header('role'), lastSignIn: header('lastSignIn') },
      rows: page.rows.map((row) => ({
        ...row,
        roleLabel: ROLE_LABELS[row.role],
        ...personState(row, now),
        twoFactorOn: row.totpEnabledAt !== null,
      })),
      ...pageLinks('/org/users', params, page),
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

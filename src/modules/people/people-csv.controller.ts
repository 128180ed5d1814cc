import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { csvColumns, datedCsvFilename, streamCsv } from '../../common/csv';
import { OrgScope, Roles } from '../../common/http/decorators';
import { parsePeopleList, personState, type PeopleListQuery } from './people-list';
import type { PersonRow } from './people.repository';
import { PeopleService } from './people.service';

const iso = (at: number | null) => (at === null ? '' : new Date(at).toISOString());

/** The people list as a CSV download: the same filters and order as /org/users, every page. */
@Controller()
@Roles('admin')
export class PeopleCsvController {
  constructor(
    private readonly people: PeopleService,
    private readonly clock: Clock,
  ) {}

  @Get('org/users.csv')
  async download(@OrgScope() orgId: string, @Query() query: PeopleListQuery, @Res() res: Response) {
    const filter = parsePeopleList(query);
    const now = +this.clock.now();
    const encoder = csvColumns<PersonRow>([
      { header: 'email', value: (r) => r.email },
      { header: 'name', value: (r) => r.name },
      { header: 'role', value: (r) => r.role },
      { header: 'status', value: (r) => personState(r, now).state },
      { header: 'two_factor', value: (r) => (r.totpEnabledAt !== null ? 'on' : 'off') },
      { header: 'last_sign_in', value: (r) => iso(r.lastSignInAt) },
    ]);
    await streamCsv(res, datedCsvFilename('people', this.clock.now()), encoder, this.people.allInOrg(orgId, filter));
  }
}

import { Injectable } from '@nestjs/common';
import type { PersonFinder } from '../helpdesk/person-finders';
import { PeopleService } from '../people/people.service';
import { LicensesService } from './licenses.service';

/**
 * The helpdesk's "find by product key": a whole key (any case, with or
 * without dashes) names the active admins of the organization that holds
 * it — the people who manage it. Anything that is not a well-formed key
 * names nobody, so name searches never pay for a lookup.
 */
@Injectable()
export class ProductKeyFinder implements PersonFinder {
  readonly label = 'Product key';

  constructor(
    private readonly licenses: LicensesService,
    private readonly people: PeopleService,
  ) {}

  async find(query: string): Promise<string[]> {
    const found = await this.licenses.byKey(query);
    if (!('license' in found)) return [];
    const admins = await this.people.activeAdminsOf(found.license.organizationId, '');
    return admins.slice(0, 10).map((admin) => admin.id);
  }
}

import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { OnAppEvent } from '../../../platform/events/app-events.service';
import type { AppEventMap } from '../../../platform/events/app-events';
import { PeopleService } from '../../people/people.service';
import { SessionsRepository } from './sessions.repository';

/**
 * A suspended organization's people are signed out at once. (The next
 * request of any of them would be refused anyway: the session lookup reads
 * whether their organization is suspended.)
 */
@Injectable()
export class SuspendedOrganizationsListener {
  constructor(
    private readonly people: PeopleService,
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
  ) {}

  @OnAppEvent('organization.suspended')
  async onSuspended(event: AppEventMap['organization.suspended']): Promise<void> {
    const ids = await this.people.idsInOrganization(event.organizationId);
    await this.sessions.endAllOfMany(ids, this.clock.now(), 'organization-suspended');
  }
}

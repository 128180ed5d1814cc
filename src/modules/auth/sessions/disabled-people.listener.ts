import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { OnAppEvent } from '../../../platform/events/app-events.service';
import type { AppEventMap } from '../../../platform/events/app-events';
import { SessionsRepository } from './sessions.repository';

/**
 * A disabled person's sessions end at once. (The next request of any of them
 * would be refused anyway: the session lookup reads the person's status.)
 */
@Injectable()
export class DisabledPeopleListener {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
  ) {}

  @OnAppEvent('user.disabled')
  async onDisabled(event: AppEventMap['user.disabled']): Promise<void> {
    await this.sessions.endAllOf(event.personId, this.clock.now(), 'person-disabled');
  }
}

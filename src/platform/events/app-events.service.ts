import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { Clock } from '../../common/clock';
import { AfterCommit } from '../database/after-commit';
import { currentRequestInfo } from '../../common/request-info';
import type { AppEventBase, AppEventMap, AppEventName } from './app-events';

type Payload<K extends AppEventName> = Omit<AppEventMap[K], keyof AppEventBase> & Partial<AppEventBase>;

/**
 * Emits domain events. Inside a transaction the event waits for the commit
 * (and is dropped on rollback); listeners run on a later tick, and their
 * failures are logged, never thrown back to the caller.
 */
@Injectable()
export class AppEvents {
  private readonly logger = new Logger('AppEvents');

  constructor(
    private readonly emitter: EventEmitter2,
    private readonly clock: Clock,
    private readonly afterCommit: AfterCommit,
  ) {}

  emit<K extends AppEventName>(name: K, payload: Payload<K>): void {
    this.emitMany(name, [payload]);
  }

  /**
   * Emits one event per payload, in order, as one piece of after-commit work
   * (an import's ten thousand invitations do not start ten thousand).
   */
  emitMany<K extends AppEventName>(name: K, payloads: readonly Payload<K>[]): void {
    if (payloads.length === 0) return;
    const actor = currentRequestInfo().actor;
    const occurredAt = this.clock.now().toISOString();
    const events = payloads.map(
      (payload) =>
        ({ occurredAt, organizationId: null, actor: actor?.label ?? 'system', ...payload }) as AppEventMap[K],
    );
    this.afterCommit.run(async () => {
      for (const event of events) {
        await this.emitter.emitAsync(name, event).catch((err: Error) => {
          this.logger.error({ err, event: name }, 'An event listener failed; the change it reacts to stands');
        });
      }
    });
  }
}

/**
 * Listens to one domain event with its typed payload (one decorator per event:
 * EventEmitter2 would read an array as a single event name). A failure is
 * logged, never thrown back.
 */
export const OnAppEvent = (name: AppEventName) => OnEvent(name, { async: true, promisify: true, suppressErrors: true });

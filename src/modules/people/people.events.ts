import type { AppEventBase } from '../../platform/events/app-events';

declare module '../../platform/events/app-events' {
  interface AppEventMap {
    'user.created': AppEventBase & { personId: string; email: string; role: string };
  }
}

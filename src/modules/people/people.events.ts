import type { AppEventBase } from '../../platform/events/app-events';

declare module '../../platform/events/app-events' {
  interface AppEventMap {
    'user.created': AppEventBase & { personId: string; email: string; role: string };
    'user.role_changed': AppEventBase & { personId: string; from: string; to: string };
    'user.disabled': AppEventBase & { personId: string };
    'user.removed': AppEventBase & { personId: string; email: string };
    'user.invited': AppEventBase & { personId: string; email: string; role: string };
  }
}

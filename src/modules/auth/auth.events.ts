import type { AppEventBase } from '../../platform/events/app-events';

declare module '../../platform/events/app-events' {
  interface AppEventMap {
    'auth.login.succeeded': AppEventBase & { personId: string; email: string };
    'auth.login.failed': AppEventBase & { email: string };
    'auth.logout': AppEventBase & { personId: string };
    'auth.lockout.started': AppEventBase & { personId: string; email: string; lockedUntil: string; failures: number };
    'auth.lockout.expired': AppEventBase & { personId: string; email: string };
    'auth.password.reset': AppEventBase & { personId: string; email: string };
    'auth.2fa.enabled': AppEventBase & { personId: string; email: string };
    'auth.2fa.disabled': AppEventBase & { personId: string; email: string };
  }
}

// The typed contract of domain events. Emitted after the change committed;
// listeners (core modules and plugins) react to them and can never undo it.
// A new event is added here first, with its payload.

/** Fields every event carries. */
export interface AppEventBase {
  /** ISO 8601 time of the change. */
  occurredAt: string;
  /** The organization the change belongs to, when it belongs to one. */
  organizationId: string | null;
  /** Who made the change: an email, `cli`, `job:<name>`, `system`. */
  actor: string;
}

export interface AppEventMap {
  'organization.created': AppEventBase & { organizationId: string; name: string };
  'organization.renamed': AppEventBase & { organizationId: string; name: string; previousName: string };
  'user.created': AppEventBase & { personId: string; email: string; role: string };
  'auth.login.succeeded': AppEventBase & { personId: string; email: string };
  'auth.login.failed': AppEventBase & { email: string };
  'auth.logout': AppEventBase & { personId: string };
  'auth.lockout.started': AppEventBase & { personId: string; email: string; lockedUntil: string; failures: number };
  'auth.lockout.expired': AppEventBase & { personId: string; email: string };
  'auth.password.reset': AppEventBase & { personId: string; email: string };
  'auth.2fa.enabled': AppEventBase & { personId: string; email: string };
  'auth.2fa.disabled': AppEventBase & { personId: string; email: string };
  'mail.failed': AppEventBase & { messageId: string; to: string; template: string; error: string };
}

export type AppEventName = keyof AppEventMap;

export const APP_EVENT_NAMES: AppEventName[] = [
  'organization.created',
  'organization.renamed',
  'user.created',
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.logout',
  'auth.lockout.started',
  'auth.lockout.expired',
  'auth.password.reset',
  'auth.2fa.enabled',
  'auth.2fa.disabled',
  'mail.failed',
];

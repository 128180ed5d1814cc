// The typed contract of domain events. Emitted after the change committed;
// listeners (core modules and plugins) react to them and can never undo it.
// A module declares its events next to its code (AppEventMap below).

/** Fields every event carries. */
export interface AppEventBase {
  /** ISO 8601 time of the change. */
  occurredAt: string;
  /** The organization the change belongs to, when it belongs to one. */
  organizationId: string | null;
  /** Who made the change: an email, `cli`, `job:<name>`, `system`. */
  actor: string;
}

/**
 * Event name → payload. The platform's own events are here; each module adds
 * its events by augmenting this interface in its own folder (see
 * src/modules/organizations/organizations.events.ts) and describes them in
 * its manifest, which puts their names in APP_EVENT_NAMES.
 */
export interface AppEventMap {
  'mail.failed': AppEventBase & { messageId: string; to: string; template: string; error: string };
}

export type AppEventName = keyof AppEventMap;

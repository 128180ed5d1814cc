import { Entity, Enum, Property } from '@mikro-orm/core';
import type { Actor } from '../../common/request-info';
import { BaseEntity } from '../../platform/database/base.entity';

export const ROLES = ['operator', 'helpdesk', 'admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

export const PERSON_STATUSES = ['active', 'disabled', 'invited'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** Emails are compared trimmed and lower-cased everywhere. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A person as the audit log names them when they act. */
export const personActor = (person: Person): Actor => ({
  type: 'person',
  id: person.id,
  label: person.email,
  organizationId: person.organizationId,
  role: person.role,
});

/** A person as the audit log names them when something is done to them. */
export const personTarget = (person: { id: string; email: string }) => ({
  type: 'person',
  id: person.id,
  label: person.email,
});

@Entity({ tableName: 'people' })
export class Person extends BaseEntity {
  // Operators and helpdesk belong to no organization: they serve them all.
  // The organizations module owns the organization; people hold its id only
  // (the foreign key stays in the schema).
  @Property({ type: 'string', length: 36, fieldName: 'organization_id', nullable: true })
  organizationId: string | null = null;

  @Property({ type: 'string', length: 254 })
  email: string;

  @Property({ type: 'string', length: 120 })
  name: string;

  @Property({ type: 'string', length: 255, hidden: true, lazy: true })
  passwordHash: string;

  @Enum({ items: () => ROLES, type: 'string' })
  role: Role;

  @Enum({ items: () => PERSON_STATUSES, type: 'string' })
  status: PersonStatus = 'active';

  @Property({ type: Date, nullable: true })
  lastSignInAt: Date | null = null;

  // Lockout: changed only by single conditional statements (see LockoutStateRepository).
  @Property({ type: 'integer' })
  failedSignIns = 0;

  @Property({ type: Date, nullable: true })
  lastFailedAt: Date | null = null;

  @Property({ type: Date, nullable: true })
  lockedUntil: Date | null = null;

  /** Lockouts since the last successful sign-in: each doubles the next one. */
  @Property({ type: 'integer' })
  lockouts = 0;

  /** When two-factor was turned on (null: off); the secrets are the auth module's. */
  @Property({ type: Date, nullable: true })
  totpEnabledAt: Date | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  antiPhishingPhrase: string | null = null;

  @Property({ type: 'string', length: 254, nullable: true })
  backupEmail: string | null = null;

  @Property({ type: Date, nullable: true })
  backupEmailConfirmedAt: Date | null = null;

  @Property({ type: Date, nullable: true })
  passwordChangedAt: Date | null = null;

  /** The IANA zone pages and mail show this person's times in; null: the organization's, else the install's. */
  @Property({ type: 'string', length: 64, nullable: true })
  timeZone: string | null = null;

  constructor(init: { email: string; name: string; passwordHash: string; role: Role; organizationId?: string | null }) {
    super();
    this.email = normalizeEmail(init.email);
    this.name = init.name.trim();
    this.passwordHash = init.passwordHash;
    this.role = init.role;
    this.organizationId = init.organizationId ?? null;
  }
}

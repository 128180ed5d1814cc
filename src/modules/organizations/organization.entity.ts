import { Entity, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../platform/database/base.entity';
import { organizationNameKey } from './organization-name';

@Entity({ tableName: 'organizations' })
export class Organization extends BaseEntity {
  // Shown and sorted as typed (COLLATE NOCASE); unique by nameKey.
  @Property({ type: 'string', length: 120 })
  name: string;

  /** organizationNameKey(name), unique: the CLI and people find an organization by its name. */
  @Property({ type: 'string', length: 400 })
  nameKey: string;

  /** Members without two-factor are sent to enrolment after sign-in. */
  @Property({ type: 'boolean' })
  requireTwoFactor = false;

  /** At least the install's PASSWORD_MIN_LENGTH; null: the install's. */
  @Property({ type: 'integer', nullable: true })
  passwordMinLength: number | null = null;

  /** At most the install's SESSION_IDLE_SECONDS; null: the install's. */
  @Property({ type: 'integer', nullable: true })
  sessionIdleSeconds: number | null = null;

  /** Its people's default time zone (each may choose their own); null: the install's. */
  @Property({ type: 'string', length: 64, nullable: true })
  timeZone: string | null = null;

  /** While set, the organization's people cannot sign in (changed by conditional statements only). */
  @Property({ type: Date, nullable: true })
  suspendedAt: Date | null = null;

  constructor(name: string) {
    super();
    this.name = name;
    this.nameKey = organizationNameKey(name);
  }

  rename(name: string): void {
    this.name = name;
    this.nameKey = organizationNameKey(name);
  }
}

import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * `active`: signed in. `two_factor`: the password was right, the code is
 * pending; grants nothing but /login/2fa. `enrol`: the organization requires
 * two-factor and this person has none; grants nothing but enrolment.
 */
export type SessionStage = 'active' | 'two_factor' | 'enrol';

// A row per signed-in browser. The cookie's JWT only names the row, so ending
// the row (sign-out, timeouts, password change) really ends the session.
@Entity({ tableName: 'sessions' })
export class Session {
  @PrimaryKey({ type: 'string', length: 43 })
  id: string;

  // The person is the people module's: its id only (the foreign key cascades).
  @Property({ type: 'string', length: 36, fieldName: 'person_id' })
  personId: string;

  @Property({ type: Date })
  createdAt: Date;

  @Property({ type: Date })
  lastSeenAt: Date;

  @Property({ type: Date })
  expiresAt: Date;

  @Property({ type: 'string', length: 64, nullable: true })
  ipAddress: string | null = null;

  @Property({ type: 'string', length: 512, nullable: true })
  userAgent: string | null = null;

  @Property({ type: Date, nullable: true })
  endedAt: Date | null = null;

  /** How far sign-in has got: see SessionStage. */
  @Property({ type: 'string', length: 16 })
  stage: SessionStage = 'active';

  /** The last time the person typed their password in this session (sensitive changes need it recent). */
  @Property({ type: Date, nullable: true })
  confirmedAt: Date | null = null;

  /** The browser's long-lived id (hashed), for new-browser alerts. */
  @Property({ type: 'string', length: 64, nullable: true })
  browserId: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  endReason: string | null = null;

  constructor(init: {
    id: string;
    personId: string;
    now: Date;
    expiresAt: Date;
    ipAddress?: string;
    userAgent?: string;
  }) {
    this.id = init.id;
    this.personId = init.personId;
    this.createdAt = init.now;
    this.lastSeenAt = init.now;
    this.expiresAt = init.expiresAt;
    this.ipAddress = init.ipAddress?.slice(0, 64) ?? null;
    this.userAgent = init.userAgent?.slice(0, 512) ?? null;
  }
}

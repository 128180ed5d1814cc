import { Entity, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../database/base.entity';

@Entity({ tableName: 'organizations' })
export class Organization extends BaseEntity {
  // Unique case-insensitively (COLLATE NOCASE in the migration): the CLI and
  // people find an organization by its name.
  @Property({ type: 'string', length: 120 })
  name: string;

  /** Members without two-factor are sent to enrolment after sign-in. */
  @Property({ type: 'boolean' })
  requireTwoFactor = false;

  constructor(name: string) {
    super();
    this.name = name;
  }
}

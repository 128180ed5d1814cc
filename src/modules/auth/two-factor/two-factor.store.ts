import { Injectable } from '@nestjs/common';
import { OrganizationsService } from '../../organizations/organizations.service';
import type { SecurityProfileRow } from '../../people/people.service';
import { PeopleService } from '../../people/people.service';
import { TwoFactorRepository } from './two-factor.repository';

/** What two-factor needs to know about a person; secrets still sealed. */
export interface TwoFactorRow {
  personId: string;
  email: string;
  name: string;
  status: string;
  role: string;
  organizationId: string | null;
  /** The person's organization requires two-factor (0/1). */
  requireTwoFactor: number;
  totpSecret: string | null;
  totpPendingSecret: string | null;
  totpEnabledAt: number | null;
  totpLastStep: number | null;
  antiPhishingPhrase: string | null;
}

/**
 * A person's two-factor state as one row: the secrets (this module's table),
 * the person (people), the organization's requirement (organizations). Turning
 * it on or off also tells people, whose lists filter on it. Callers hold the
 * transaction.
 */
@Injectable()
export class TwoFactorStore {
  constructor(
    private readonly secrets: TwoFactorRepository,
    private readonly people: PeopleService,
    private readonly organizations: OrganizationsService,
  ) {}

  async find(personId: string): Promise<TwoFactorRow | null> {
    const person = await this.people.securityProfile({ id: personId });
    return person ? this.compose(person) : null;
  }

  async findByEmail(email: string): Promise<TwoFactorRow | null> {
    const person = await this.people.securityProfile({ email });
    return person ? this.compose(person) : null;
  }

  setPending(personId: string, sealed: string, now: number): Promise<void> {
    return this.secrets.setPending(personId, sealed, now);
  }

  async activatePending(personId: string, sealedPending: string, step: number, now: number): Promise<boolean> {
    if (!(await this.secrets.activatePending(personId, sealedPending, step, now))) return false;
    await this.people.setTwoFactorEnabledAt(personId, new Date(now));
    return true;
  }

  claimStep(personId: string, step: number): Promise<boolean> {
    return this.secrets.claimStep(personId, step);
  }

  async clear(personId: string): Promise<void> {
    await this.secrets.clear(personId);
    await this.people.setTwoFactorEnabledAt(personId, null);
  }

  replaceRecoveryCodes(personId: string, digests: string[], now: number): Promise<void> {
    return this.secrets.replaceRecoveryCodes(personId, digests, now);
  }

  useRecoveryCode(personId: string, digest: string, now: number): Promise<boolean> {
    return this.secrets.useRecoveryCode(personId, digest, now);
  }

  unusedRecoveryCodes(personId: string): Promise<number> {
    return this.secrets.unusedRecoveryCodes(personId);
  }

  /** Active people of an organization who have not turned two-factor on (the admin's settings page). */
  countWithoutTwoFactor(organizationId: string): Promise<number> {
    return this.people.countActiveWithoutTwoFactor(organizationId);
  }

  private async compose(person: SecurityProfileRow): Promise<TwoFactorRow> {
    const secrets = await this.secrets.find(person.id);
    return {
      personId: person.id,
      email: person.email,
      name: person.name,
      status: person.status,
      role: person.role,
      organizationId: person.organizationId,
      requireTwoFactor: (await this.organizations.requiresTwoFactor(person.organizationId)) ? 1 : 0,
      totpSecret: secrets?.secret ?? null,
      totpPendingSecret: secrets?.pendingSecret ?? null,
      totpEnabledAt: person.totpEnabledAt,
      totpLastStep: secrets?.lastStep ?? null,
      antiPhishingPhrase: person.antiPhishingPhrase,
    };
  }
}

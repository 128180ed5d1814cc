/** How an organization's accounts are used, for its page. */
export interface OrganizationUsage {
  people: number;
  admins: number;
  /** Locked out by failed sign-ins right now. */
  locked: number;
  twoFactorOn: number;
}

/** One of an organization's people, as the organization's page lists them. */
export interface OrganizationPersonRow {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'member';
  status: string;
  lockedUntil: number | null;
  totpEnabledAt: number | null;
  lastSignInAt: number | null;
}

/**
 * A port: how many people each organization has, answered by the people
 * module (which depends on organizations, so organizations cannot ask it directly).
 */
export abstract class MemberCounts {
  abstract countByOrganizations(organizationIds: readonly string[]): Promise<Map<string, number>>;
  abstract usageOf(organizationId: string): Promise<OrganizationUsage>;
  /** The first `limit` people of the organization by name (never staff). */
  abstract firstPeopleOf(organizationId: string, limit: number): Promise<OrganizationPersonRow[]>;
}

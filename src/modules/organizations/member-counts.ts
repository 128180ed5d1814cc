/**
 * A port: how many people each organization has, answered by the people
 * module (which depends on organizations, so organizations cannot ask it directly).
 */
export abstract class MemberCounts {
  abstract countByOrganizations(organizationIds: readonly string[]): Promise<Map<string, number>>;
}

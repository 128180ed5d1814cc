/** A port: organization names for the operators' audit pages, answered by the organizations module. */
export abstract class OrganizationNames {
  abstract namesOf(ids: readonly string[]): Promise<Map<string, string>>;
}

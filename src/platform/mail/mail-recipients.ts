/** What mail to an address shows for whoever reads it there. */
export interface MailRecipient {
  /** Their anti-phishing phrase, shown at the top of every message. */
  antiPhishingPhrase: string | null;
  /** Their own time zone (null: their organization's, else the install's). */
  timeZone: string | null;
  organizationId: string | null;
}

/**
 * A port: who reads mail at each address (their sign-in or confirmed backup
 * email), answered by the people module. The map is keyed by the address in
 * lower case; an address nobody reads is left out.
 */
export abstract class MailRecipients {
  abstract recipients(addresses: readonly string[]): Promise<Map<string, MailRecipient>>;
}

/** A port: an organization's default time zone, answered by the organizations module. */
export abstract class OrganizationTimeZones {
  abstract timeZoneOf(organizationId: string): Promise<string | null>;
}

/** What mail to an address shows for whoever reads it there. */
export interface MailRecipient {
  /** Their anti-phishing phrase, shown at the top of every message. */
  antiPhishingPhrase: string | null;
  /** Their own time zone (null: their organization's, else the install's). */
  timeZone: string | null;
  organizationId: string | null;
}

/** A port: who reads mail at an address (their sign-in or confirmed backup email), answered by the people module. */
export abstract class MailRecipients {
  abstract recipient(address: string): Promise<MailRecipient | null>;
}

/** A port: an organization's default time zone, answered by the organizations module. */
export abstract class OrganizationTimeZones {
  abstract timeZoneOf(organizationId: string): Promise<string | null>;
}

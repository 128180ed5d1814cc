export const WEBHOOKS_PLUGIN_ID = 'webhooks';

/** Shown beside each event's checkbox; an event missing here shows its name alone. */
export const EVENT_DESCRIPTIONS: Record<string, string> = {
  'organization.created': 'An organization was created.',
  'organization.renamed': 'An organization was renamed.',
  'user.created': 'A person was added.',
  'auth.login.succeeded': 'Someone signed in.',
  'auth.login.failed': 'A sign-in attempt failed.',
  'auth.logout': 'Someone signed out.',
  'mail.failed': 'An email could not be delivered after every retry.',
};

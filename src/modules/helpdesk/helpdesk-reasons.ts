/**
 * The fixed reasons an agent picks from (a `<select>`), kept in the audit
 * entry with the agent's own words. "Other" needs those words.
 */
export const BACK_IN_REASONS = {
  phone_callback: 'Verified by phone call-back',
  in_person: 'Verified in person',
  org_admin: 'Verified through the org admin',
  other: 'Other',
} as const;

/** Why someone's sessions are ended. */
export const END_SESSIONS_REASONS = {
  lost_device: 'Lost or stolen device',
  suspected_takeover: 'Suspected account takeover',
  org_admin: 'Asked by the org admin',
  other: 'Other',
} as const;

/** Why an invitation is sent again (the link goes to the address it was sent to: no identity check). */
export const RESEND_INVITATION_REASONS = {
  link_expired: 'The link expired',
  mail_not_received: 'The invitation email did not arrive',
  org_admin: 'Asked by the org admin',
  other: 'Other',
} as const;

export type BackInReason = keyof typeof BACK_IN_REASONS;
export type EndSessionsReason = keyof typeof END_SESSIONS_REASONS;
export type ResendInvitationReason = keyof typeof RESEND_INVITATION_REASONS;

export const OTHER_NEEDS_NOTE = 'Say why in a few words: a note is needed when the reason is Other.';

/** The reason as the audit log keeps it: the label, then the agent's note. */
export function reasonText(label: string, note: string | undefined): string {
  const words = (note ?? '').trim().replace(/\s+/g, ' ');
  return words ? `${label}: ${words}` : label;
}

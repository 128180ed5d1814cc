import { describeUserAgent } from '../../common/user-agent';
import type { ActivityRow } from './account.repository';
import type { Person } from './person.entity';
import { profileView } from './person.view';

/** What /account shows of the person (never the phrase itself: a stolen session must not learn it). */
export function accountView(person: Person) {
  return {
    profile: profileView(person),
    passwordChangedAt: person.passwordChangedAt,
    backupEmail: person.backupEmailConfirmedAt ? person.backupEmail : null,
    backupEmailConfirmedAt: person.backupEmailConfirmedAt,
    hasPhrase: Boolean(person.antiPhishingPhrase),
  };
}

const STRENGTH_LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'];

/** The meter beside a refused new password (0–4, zxcvbn's scale). */
export function strengthView(score: number, refused: boolean) {
  const value = refused ? Math.min(score, 2) : score;
  return { score: value, label: refused ? `${STRENGTH_LABELS[value]}: not strong enough` : STRENGTH_LABELS[value] };
}

// What each audit action means to the person it concerns. Anything else is
// shown as its words ("license.renewed" → "License renewed"), never the code.
const ACTIONS: Record<string, string> = {
  'auth.login.succeeded': 'Signed in',
  'auth.login.failed': 'Sign-in refused',
  'auth.logout': 'Signed out',
  'auth.lockout.started': 'Account locked after failed sign-ins',
  'auth.lockout.expired': 'Account lock ended',
  'auth.password.reset_requested': 'Password reset link requested',
  'auth.password.reset': 'Password reset with an emailed link',
  'auth.password.changed': 'Password changed',
  'auth.reauth.failed': 'Wrong password when asked to confirm it',
  'auth.2fa.enabled': 'Two-factor authentication turned on',
  'auth.2fa.disabled': 'Two-factor authentication turned off',
  'auth.2fa.recovery_code_used': 'Recovery code used to sign in',
  'auth.2fa.recovery_codes_regenerated': 'New recovery codes made',
  'auth.session.revoked': 'Another session signed out',
  'auth.sessions.revoked': 'Signed out everywhere else',
  'user.created': 'Account created',
  'user.updated': 'Name changed',
  'user.unlocked': 'Account unlocked',
  'user.disabled': 'Account disabled',
  'user.2fa_reset': 'Two-factor authentication reset by support',
  'user.email_change_requested': 'Email address change requested',
  'user.email_changed': 'Email address changed',
  'user.backup_email_requested': 'Backup email address added, waiting for confirmation',
  'user.backup_email_confirmed': 'Backup email address confirmed',
  'user.backup_email_removed': 'Backup email address removed',
  'user.anti_phishing_phrase_changed': 'Security phrase changed',
};

const FAILURE_REASONS: Record<string, string> = {
  wrong_password: 'wrong password',
  wrong_second_factor: 'wrong two-factor code',
  locked: 'the account was locked',
  disabled: 'the account is disabled',
};

const SIGN_IN_METHODS: Record<string, string> = {
  totp: 'with a two-factor code',
  recovery_code: 'with a recovery code',
};

const SIGN_IN = /^auth\.(login\.|2fa\.recovery_code_used$)/;

const OUTCOME_BADGES: Record<ActivityRow['outcome'], { label: string; color: string }> = {
  success: { label: 'Success', color: 'green' },
  failure: { label: 'Failed', color: 'red' },
  denied: { label: 'Denied', color: 'yellow' },
};

function parseDetails(details: string | null): Record<string, unknown> {
  if (!details) return {};
  try {
    const parsed = JSON.parse(details) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function words(action: string): string {
  const text = action.replace(/[._]/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describe(row: ActivityRow, details: Record<string, unknown>): string {
  const base = ACTIONS[row.action] ?? words(row.action);
  if (row.action === 'auth.login.failed' && typeof details.reason === 'string' && FAILURE_REASONS[details.reason]) {
    return `${base}: ${FAILURE_REASONS[details.reason]}`;
  }
  if (row.action === 'auth.login.succeeded' && typeof details.method === 'string' && SIGN_IN_METHODS[details.method]) {
    return `${base} ${SIGN_IN_METHODS[details.method]}`;
  }
  if (row.action === 'user.anti_phishing_phrase_changed' && details.change === 'removed')
    return 'Security phrase removed';
  return base;
}

/** One line of /account/activity; who acted is "You", "SeatDesk" or "An administrator" (no staff addresses). */
export function activityRowView(row: ActivityRow, personId: string) {
  const details = parseDetails(row.details);
  // Staff acting on the account: their address and browser are not the person's to see.
  const byStaff = row.actorType === 'person' && row.actorId !== personId && !SIGN_IN.test(row.action);
  return {
    id: row.id,
    at: new Date(row.at),
    description: describe(row, details),
    // Whoever typed the password of a sign-in is exactly what the person is checking: no "You" there.
    by: SIGN_IN.test(row.action) ? null : row.actorId === personId ? 'You' : byStaff ? 'An administrator' : 'SeatDesk',
    ip: byStaff ? null : row.ip,
    browser: row.userAgent && !byStaff ? describeUserAgent(row.userAgent) : null,
    newBrowser: details.newBrowser === true,
    badge: OUTCOME_BADGES[row.outcome] ?? OUTCOME_BADGES.failure,
  };
}

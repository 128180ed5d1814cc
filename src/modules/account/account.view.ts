import { MODULE_CATALOG } from '../../platform/module-host/module-catalog';
import { describeUserAgent } from '../../common/user-agent';
import type { ActivityRow } from '../../platform/audit/audit.repository';
import type { Person } from '../people/person.entity';
import { profileView } from '../people/person.view';

/** What /account shows of the person (never the phrase itself: a stolen session must not learn it). */
export function accountView(person: Person, orgName: string | null) {
  return {
    profile: profileView(person, orgName),
    passwordChangedAt: person.passwordChangedAt,
    backupEmail: person.backupEmailConfirmedAt ? person.backupEmail : null,
    backupEmailConfirmedAt: person.backupEmailConfirmedAt,
    hasPhrase: Boolean(person.antiPhishingPhrase),
  };
}

const FAILURE_REASONS: Record<string, string> = {
  wrong_password: 'wrong password',
  wrong_second_factor: 'wrong two-factor code',
  code_reused: 'a two-factor code that had just been used',
  locked: 'the account was locked',
  disabled: 'the account is disabled',
  organization_suspended: 'the organization is suspended',
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

function describe(row: ActivityRow, details: Record<string, unknown>): string {
  const base = MODULE_CATALOG.describeAction(row.action);
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

import { describeUserAgent } from '../../common/user-agent';
import { ROLE_LABELS } from '../../common/view/navigation';
import type { AuditExportRow } from '../../platform/audit/audit-log.service';
import { MODULE_CATALOG } from '../../platform/module-host/module-catalog';
import { personState } from '../people/people-list';
import type { Person } from '../people/person.entity';
import { BACK_IN_REASONS, END_SESSIONS_REASONS, RESEND_INVITATION_REASONS } from './helpdesk-reasons';
import type { FoundPerson, HelpdeskAction, HelpdeskService } from './helpdesk.service';

export const LIST = { label: 'People', href: '/admin/users' };

const isStaff = (role: string) => role === 'operator' || role === 'helpdesk';

/** A search result row: badges for access and two-factor, the organization ("Staff" for staff). */
export function foundPersonView(row: FoundPerson, now: number) {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    roleLabel: ROLE_LABELS[row.role],
    organization: isStaff(row.role) ? 'Staff' : (row.organizationName ?? '—'),
    ...personState(row, now),
    twoFactorOn: row.totpEnabledAt !== null,
    lastSignInAt: row.lastSignInAt,
    foundBy: row.foundBy,
  };
}

const FAILURE_REASONS: Record<string, string> = {
  wrong_password: 'Wrong password',
  wrong_second_factor: 'Wrong two-factor code',
  code_reused: 'Reused two-factor code',
  locked: 'Refused while locked',
  disabled: 'Account disabled',
  unknown_account: 'Unknown address',
};

function details(row: AuditExportRow): Record<string, unknown> {
  if (!row.details) return {};
  try {
    const parsed = JSON.parse(row.details) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One sign-in attempt: when, from where, with what browser, and how it ended. */
function attemptView(row: AuditExportRow) {
  const reason = details(row).reason;
  const ok = row.action === 'auth.login.succeeded';
  return {
    at: new Date(row.at),
    ip: row.ip ?? 'unknown',
    browser: row.userAgent ? describeUserAgent(row.userAgent) : '—',
    outcome: ok ? 'Signed in' : (FAILURE_REASONS[typeof reason === 'string' ? reason : ''] ?? 'Refused'),
    color: ok ? 'green' : 'red',
  };
}

/** One change to the account, named with the label its module declares; the reason when one was given. */
function changeView(row: AuditExportRow) {
  const reason = details(row).reason;
  return {
    at: new Date(row.at),
    label: MODULE_CATALOG.describeAction(row.action),
    by: row.actorType === 'person' ? row.actorLabel : 'SeatDesk',
    reason: typeof reason === 'string' && row.action.startsWith('user.') ? reason : null,
  };
}

/** The account health page. */
export function healthView(health: Awaited<ReturnType<HelpdeskService['health']>>) {
  const { person } = health;
  const state = personState({ status: person.status, lockedUntil: health.lockedUntil }, health.now);
  const staff = isStaff(person.role);
  const lastSuccess = health.attempts.find((row) => row.action === 'auth.login.succeeded');
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    roleLabel: ROLE_LABELS[person.role],
    organization: staff ? 'Staff' : (health.organizationName ?? '—'),
    ...state,
    locked: health.lockedUntil !== null,
    disabled: person.status === 'disabled',
    invited: person.status === 'invited',
    invitation: health.invitation && { ...health.invitation, expired: health.invitation.expiresAt <= health.now },
    failedSignIns: health.failedSignIns,
    failureAddresses: health.failureAddresses,
    lastSignInAt: person.lastSignInAt,
    lastSignInIp: lastSuccess?.ip ?? null,
    twoFactorOn: health.twoFactor.enabled,
    twoFactorSince: health.twoFactor.enabledAt,
    recoveryCodesLeft: health.twoFactor.codesLeft,
    backupEmailConfirmed: person.backupEmailConfirmedAt !== null,
    sessions: health.sessions,
    attempts: health.attempts.map(attemptView),
    changes: health.changes.map(changeView),
    mayAct: health.mayAct,
  };
}

export type HealthView = ReturnType<typeof healthView>;

/** Each action's own page: what it does, its button, the reasons offered, and whether identity is checked. */
export const ACTIONS: Record<
  HelpdeskAction,
  { title: string; button: string; says: string; reasons: Record<string, string>; checklist: boolean; danger: boolean }
> = {
  unlock: {
    title: 'Unlock account',
    button: 'Unlock account',
    says: 'The lockout ends now and the failed sign-ins are forgotten: they can sign in with their password at once. They get an email saying so.',
    reasons: BACK_IN_REASONS,
    checklist: true,
    danger: false,
  },
  'send-reset': {
    title: 'Send a password-reset link',
    button: 'Send reset link',
    says: 'They get an email with a single-use link, valid 12 hours, to choose a new password themselves; earlier links stop working. Choosing a password also lifts a lockout and signs them out everywhere.',
    reasons: BACK_IN_REASONS,
    checklist: true,
    danger: false,
  },
  'reset-2fa': {
    title: 'Reset two-factor sign-in',
    button: 'Turn off two-factor',
    says: 'Their authenticator app and recovery codes stop working; their password alone signs them in until they set two-factor up again. They get an email saying so.',
    reasons: BACK_IN_REASONS,
    checklist: true,
    danger: true,
  },
  'end-sessions': {
    title: 'Sign out everywhere',
    button: 'End all sessions',
    says: 'Every browser signed in to this account is signed out at once. Their password and two-factor stay as they are. They get an email saying so.',
    reasons: END_SESSIONS_REASONS,
    checklist: false,
    danger: true,
  },
  'resend-invitation': {
    title: 'Resend invitation',
    button: 'Resend invitation',
    says: 'A new invitation link, valid 7 days, is mailed to the address they were invited at; the previous link stops working. The email is their notice.',
    reasons: RESEND_INVITATION_REASONS,
    checklist: false,
    danger: false,
  },
};

export const HELPDESK_ACTIONS = Object.keys(ACTIONS) as HelpdeskAction[];

/** The reasons as `<option>`s, the chosen one selected. */
export function reasonOptions(reasons: Record<string, string>, chosen: unknown) {
  return Object.entries(reasons).map(([value, label]) => ({ value, label, selected: value === chosen }));
}

/** The locals of an action page (also when its form comes back refused). */
export function actionPage(person: Person | HealthView, kind: HelpdeskAction, values: Record<string, unknown> = {}) {
  const action = ACTIONS[kind];
  const self = { label: person.name, href: `/admin/users/${person.id}` };
  return {
    title: `${action.title}: ${person.name}`,
    breadcrumbs: [LIST, self, { label: action.title }],
    person: { id: person.id, name: person.name, email: person.email },
    action: { ...action, kind, href: `/admin/users/${person.id}/${kind}` },
    reasons: reasonOptions(action.reasons, values.reason),
  };
}

/**
 * The guided "can't sign in" page: the identity checklist, then the
 * narrowest action that fits the account's state.
 */
export function guidedPage(health: HealthView, values: Record<string, unknown> = {}) {
  const self = { label: health.name, href: `/admin/users/${health.id}` };
  const offers: { kind: HelpdeskAction; label: string; when: string; primary: boolean }[] = [];
  // An invited person has no password to get back: their page offers a new invitation instead.
  if (!health.disabled && !health.invited && health.mayAct) {
    if (health.locked) {
      offers.push({
        kind: 'unlock',
        label: 'Unlock account',
        when: 'The account is locked after failed sign-ins: unlocking lets them try their password again.',
        primary: true,
      });
    } else {
      offers.push({
        kind: 'send-reset',
        label: 'Send a password-reset link',
        when: 'They forgot their password: they choose a new one from the link (valid 12 hours).',
        primary: true,
      });
      if (health.twoFactorOn) {
        offers.push({
          kind: 'reset-2fa',
          label: 'Turn off two-factor',
          when: 'They lost the phone with their authenticator app and have no recovery codes left.',
          primary: false,
        });
      }
    }
  }
  return {
    title: `Can't sign in: ${health.name}`,
    breadcrumbs: [LIST, self, { label: "Can't sign in" }],
    health,
    offers,
    reasons: reasonOptions(BACK_IN_REASONS, values.reason),
  };
}

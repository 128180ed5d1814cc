import { compareVersions } from '../catalog/platforms';

export const PROTECTIONS = ['protected', 'at_risk', 'unprotected'] as const;
export type Protection = (typeof PROTECTIONS)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Seen within this long, a device on an active license with a current agent is protected. */
export const PROTECTED_WITHIN_MS = DAY;
/** Not seen for this long: unprotected. */
export const UNPROTECTED_AFTER_MS = 30 * DAY;

export interface ProtectionInput {
  licenseStatus: string;
  lastSeenAt: number | null;
  agentVersion: string | null;
  currentAgentVersion: string;
}

const ago = (ms: number) => {
  const days = Math.floor(ms / DAY);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.max(1, Math.floor(ms / HOUR));
  return `${hours} hour${hours === 1 ? '' : 's'}`;
};

/**
 * A device's protection and the reason, as people read it:
 * - unprotected: its license expired, was suspended or cancelled, its agent
 *   never reported, or it has not been seen for 30 days;
 * - at risk: not seen for 24 hours (a device silent for a week is one of
 *   these: protected needs a report within a day), an outdated agent, or a
 *   license in its grace period;
 * - protected: license active, seen within 24 hours, agent current.
 * The first reason that applies is the one given, worst first.
 */
export function protectionOf(input: ProtectionInput, now: number): { protection: Protection; reason: string } {
  switch (input.licenseStatus) {
    case 'expired':
      return { protection: 'unprotected', reason: 'Its license has expired.' };
    case 'suspended':
      return { protection: 'unprotected', reason: 'Its license is suspended.' };
    case 'cancelled':
      return { protection: 'unprotected', reason: 'Its license was cancelled.' };
  }
  if (input.lastSeenAt === null) {
    return { protection: 'unprotected', reason: 'The agent has not reported yet: install it with the product key.' };
  }
  const silent = now - input.lastSeenAt;
  if (silent >= UNPROTECTED_AFTER_MS) {
    return { protection: 'unprotected', reason: `Not seen for ${ago(silent)}.` };
  }
  if (silent >= PROTECTED_WITHIN_MS) {
    return { protection: 'at_risk', reason: `Not seen for ${ago(silent)}.` };
  }
  if (input.agentVersion === null || compareVersions(input.agentVersion, input.currentAgentVersion) < 0) {
    return {
      protection: 'at_risk',
      reason: `Agent ${input.agentVersion ?? 'version unknown'} is outdated: update to ${input.currentAgentVersion}.`,
    };
  }
  if (input.licenseStatus === 'grace') {
    return { protection: 'at_risk', reason: 'Its license is in its grace period: renew it.' };
  }
  return { protection: 'protected', reason: 'Seen recently, agent current, license active.' };
}

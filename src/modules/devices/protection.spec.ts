import { protectionOf } from './protection';

const HOUR = 3_600_000;
const now = Date.parse('2026-12-04T12:00:00Z');
const base = { licenseStatus: 'active', lastSeenAt: now - HOUR, agentVersion: '8.2.0', currentAgentVersion: '8.2.0' };

describe('protectionOf', () => {
  it('is protected with an active license, a current agent, seen within 24 hours', () => {
    expect(protectionOf(base, now).protection).toBe('protected');
    expect(protectionOf({ ...base, agentVersion: '8.10.0' }, now).protection).toBe('protected');
  });

  it('is at risk when silent for a day, outdated, or in grace, each saying why', () => {
    expect(protectionOf({ ...base, lastSeenAt: now - 25 * HOUR }, now)).toEqual({
      protection: 'at_risk',
      reason: 'Not seen for 1 day.',
    });
    expect(protectionOf({ ...base, lastSeenAt: now - 8 * 24 * HOUR }, now).reason).toBe('Not seen for 8 days.');
    expect(protectionOf({ ...base, agentVersion: '8.1.9' }, now)).toEqual({
      protection: 'at_risk',
      reason: 'Agent 8.1.9 is outdated: update to 8.2.0.',
    });
    expect(protectionOf({ ...base, licenseStatus: 'grace' }, now).reason).toBe(
      'Its license is in its grace period: renew it.',
    );
  });

  it('is unprotected when the license is gone, the agent never reported, or silent for 30 days', () => {
    expect(protectionOf({ ...base, licenseStatus: 'expired' }, now).reason).toBe('Its license has expired.');
    expect(protectionOf({ ...base, licenseStatus: 'suspended' }, now).protection).toBe('unprotected');
    expect(protectionOf({ ...base, lastSeenAt: null }, now).protection).toBe('unprotected');
    expect(protectionOf({ ...base, lastSeenAt: now - 30 * 24 * HOUR }, now)).toEqual({
      protection: 'unprotected',
      reason: 'Not seen for 30 days.',
    });
  });
});

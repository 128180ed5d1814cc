import type { EntityManager } from '@mikro-orm/better-sqlite';
import { FixedClock } from '../../../common/clock';
import { runWithRequestInfo } from '../../../common/request-info';
import type { AppConfig } from '../../../config/app.config';
import type { AppEvents } from '../../../platform/events/app-events.service';
import type { AuditService } from '../../../platform/audit/audit.service';
import type { MailService } from '../../../platform/mail/mail.service';
import type { AuthTokensService } from '../auth-tokens.service';
import type { FailureRow, LockoutStateService } from '../../people/lockout-state.service';
import { LockoutService } from './lockout.service';

describe('LockoutService', () => {
  const T0 = Date.parse('2026-11-26T10:00:00Z');
  const config = { lockoutMaxFailures: 5, lockoutSeconds: 900, lockoutMaxSeconds: 86_400, resetTokenTtlSeconds: 1800 };
  const lockingRow: FailureRow = {
    failures: 5,
    lockedUntil: T0 + 900_000,
    lockouts: 1,
    email: 'ann@example.test',
    name: 'Ann',
    status: 'active',
    antiPhishingPhrase: 'blue heron',
    organizationId: 'org-1',
  };
  let repo: jest.Mocked<
    Pick<LockoutStateService, 'recordFailure' | 'liftExpired' | 'isLocked' | 'clear' | 'lockedUntil'>
  >;
  let audit: jest.Mocked<Pick<AuditService, 'record'>>;
  let mail: jest.Mocked<Pick<MailService, 'enqueue'>>;
  let tokens: jest.Mocked<Pick<AuthTokensService, 'issue'>>;
  let events: jest.Mocked<Pick<AppEvents, 'emit'>>;
  let service: LockoutService;

  beforeEach(() => {
    repo = {
      recordFailure: jest.fn().mockResolvedValue(null),
      liftExpired: jest.fn().mockResolvedValue([]),
      isLocked: jest.fn().mockResolvedValue(false),
      clear: jest.fn().mockResolvedValue(true),
      lockedUntil: jest.fn().mockResolvedValue(null),
    };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    mail = { enqueue: jest.fn().mockResolvedValue(1) };
    tokens = { issue: jest.fn().mockResolvedValue('t'.repeat(43)) };
    events = { emit: jest.fn() };
    const em = { transactional: (work: () => Promise<unknown>) => work() };
    service = new LockoutService(
      config as AppConfig,
      em as unknown as EntityManager,
      repo as unknown as LockoutStateService,
      new FixedClock(T0),
      audit as unknown as AuditService,
      events as unknown as AppEvents,
      mail as unknown as MailService,
      tokens as unknown as AuthTokensService,
    );
  });

  const actions = () => audit.record.mock.calls.map(([entry]) => entry.action);

  it('counts a failure with the configured policy and reports no lockout below the threshold', async () => {
    repo.recordFailure.mockResolvedValue({ ...lockingRow, failures: 2, lockedUntil: null, lockouts: 0 });
    await expect(service.recordFailure('p1')).resolves.toBe(false);
    expect(repo.recordFailure).toHaveBeenCalledWith('p1', T0, {
      maxFailures: 5,
      lockoutSeconds: 900,
      maxLockoutSeconds: 86_400,
    });
    expect(audit.record).not.toHaveBeenCalled();
    expect(mail.enqueue).not.toHaveBeenCalled();
  });

  it('audits a new lockout and mails the owner a reset link, with the address the attempt came from', async () => {
    repo.recordFailure.mockResolvedValue(lockingRow);
    await expect(runWithRequestInfo({ ip: '203.0.113.9' }, () => service.recordFailure('p1'))).resolves.toBe(true);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'auth.lockout.started',
        target: { type: 'person', id: 'p1', label: 'ann@example.test' },
        details: { until: '2026-11-26T10:15:00.000Z', failures: 5, lockouts: 1, seconds: 900 },
      }),
    );
    expect(tokens.issue).toHaveBeenCalledWith('p1', 'password_reset', 1800);
    expect(mail.enqueue).toHaveBeenCalledTimes(1);
    expect(mail.enqueue).toHaveBeenCalledWith(
      'lockout',
      'ann@example.test',
      expect.objectContaining({
        ip: '203.0.113.9',
        token: 't'.repeat(43),
        until: T0 + 900_000,
        antiPhishingPhrase: 'blue heron',
      }),
    );
    expect(events.emit).toHaveBeenCalledWith('auth.lockout.started', expect.objectContaining({ personId: 'p1' }));
  });

  it('locks a disabled account without mailing anyone', async () => {
    repo.recordFailure.mockResolvedValue({ ...lockingRow, status: 'disabled' });
    await expect(service.recordFailure('p1')).resolves.toBe(true);
    expect(actions()).toEqual(['auth.lockout.started']);
    expect(tokens.issue).not.toHaveBeenCalled();
    expect(mail.enqueue).not.toHaveBeenCalled();
  });

  it('reports nothing when the account is locked already', async () => {
    await expect(service.recordFailure('p1')).resolves.toBe(false);
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('lifts a lockout that ran out before counting, audited as expired at sign-in', async () => {
    repo.liftExpired.mockResolvedValue([
      { personId: 'p1', email: 'ann@example.test', organizationId: null, lockouts: 1 },
    ]);
    await service.recordFailure('p1');
    expect(repo.liftExpired).toHaveBeenCalledWith(T0, 'p1');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'auth.lockout.expired', details: { via: 'sign_in' } }),
    );
  });

  it('expires due lockouts in the job, one audit entry each', async () => {
    repo.liftExpired.mockResolvedValue([
      { personId: 'p1', email: 'a@example.test', organizationId: null, lockouts: 1 },
      { personId: 'p2', email: 'b@example.test', organizationId: 'o', lockouts: 3 },
    ]);
    await expect(service.expireDue()).resolves.toEqual({ lifted: 2 });
    expect(repo.liftExpired).toHaveBeenCalledWith(T0);
    expect(actions()).toEqual(['auth.lockout.expired', 'auth.lockout.expired']);
    expect(events.emit).toHaveBeenCalledTimes(2);
  });

  it('unlocks by hand, audited user.unlocked with whether a lockout was in force', async () => {
    repo.lockedUntil.mockResolvedValue(T0 + 1000);
    await expect(service.unlockAccount({ id: 'p1', email: 'a@example.test', organizationId: null })).resolves.toBe(
      true,
    );
    expect(repo.clear).toHaveBeenCalledWith('p1');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'user.unlocked', details: { wasLocked: true } }),
    );
  });

  it('forgets everything on a successful sign-in', async () => {
    await service.recordSuccess('p1');
    expect(repo.clear).toHaveBeenCalledWith('p1');
  });
});

import type { EntityManager } from '@mikro-orm/better-sqlite';
import { FixedClock } from '../../../common/clock';
import type { Principal } from '../../../common/http/principal';
import type { AppEvents } from '../../../platform/events/app-events.service';
import type { AuditService } from '../../../platform/audit/audit.service';
import type { MailService } from '../../../platform/mail/mail.service';
import type { SignInService } from '../sign-in/sign-in.service';
import type { SessionsService } from '../sessions/sessions.service';
import {
  TWO_FACTOR_CODE_REUSED,
  TWO_FACTOR_FAILED,
  TWO_FACTOR_PENDING_SECONDS,
  TwoFactorSignInService,
} from './two-factor-sign-in.service';
import type { TwoFactorRow } from './two-factor.store';
import type { CheckedCode, TwoFactorService } from './two-factor.service';

// Every refused code: the one answer, as a 401 on the form.
const REFUSED = { kind: 'unauthenticated', message: TWO_FACTOR_FAILED };

describe('TwoFactorSignInService.verify', () => {
  const start = Date.parse('2026-11-26T10:00:00Z');
  const row: TwoFactorRow = {
    personId: 'p1',
    email: 'ann@example.test',
    name: 'Ann',
    status: 'active',
    organizationId: 'o1',
    role: 'member',
    requireTwoFactor: 0,
    totpSecret: 'v1.sealed',
    totpPendingSecret: null,
    totpEnabledAt: start - 86_400_000,
    totpLastStep: null,
    antiPhishingPhrase: 'blue heron',
  };
  const user: Principal = {
    personId: 'p1',
    sessionId: 's1',
    name: 'Ann',
    email: 'ann@example.test',
    role: 'member',
    orgId: 'o1',
    orgName: 'Org',
    stage: 'two_factor',
    timeZone: 'UTC',
    confirmedAt: new Date(start),
  };
  type TwoFactorMock = jest.Mocked<
    Pick<
      TwoFactorService,
      | 'find'
      | 'isLocked'
      | 'checkCode'
      | 'spendCode'
      | 'isSpentCode'
      | 'recordFailure'
      | 'unusedRecoveryCodes'
      | 'personActor'
      | 'target'
      | 'mailData'
    >
  >;
  let clock: FixedClock;
  let twoFactor: TwoFactorMock;
  let auth: jest.Mocked<Pick<SignInService, 'completeTwoFactor'>>;
  let sessions: jest.Mocked<Pick<SessionsService, 'end'>>;
  let audit: jest.Mocked<Pick<AuditService, 'record'>>;
  let mail: jest.Mocked<Pick<MailService, 'enqueue'>>;
  let service: TwoFactorSignInService;

  beforeEach(() => {
    clock = new FixedClock(start + 60_000);
    twoFactor = {
      find: jest.fn().mockResolvedValue(row),
      isLocked: jest.fn().mockResolvedValue(false),
      checkCode: jest.fn().mockResolvedValue(null),
      spendCode: jest.fn().mockResolvedValue(true),
      isSpentCode: jest.fn().mockResolvedValue(false),
      recordFailure: jest.fn().mockResolvedValue(undefined),
      unusedRecoveryCodes: jest.fn().mockResolvedValue(7),
      personActor: jest.fn().mockReturnValue({ type: 'person', id: 'p1', label: row.email }),
      target: jest.fn().mockReturnValue({ type: 'person', id: 'p1', label: row.email }),
      mailData: jest.fn((_row, extra) => ({
        name: 'Ann',
        at: clock.now(),
        ipAddress: null,
        antiPhishingPhrase: null,
        ...extra,
      })),
    };
    auth = { completeTwoFactor: jest.fn().mockResolvedValue({ sessionId: 's2', token: 'new-cookie' }) };
    sessions = { end: jest.fn().mockResolvedValue(true) };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    mail = { enqueue: jest.fn().mockResolvedValue(1) };
    const em = { transactional: jest.fn((work: () => Promise<unknown>) => work()) };
    service = new TwoFactorSignInService(
      em as unknown as EntityManager,
      twoFactor as unknown as TwoFactorService,
      auth as unknown as SignInService,
      sessions as unknown as SessionsService,
      audit as unknown as AuditService,
      mail as unknown as MailService,
      { emit: jest.fn() } as unknown as AppEvents,
      clock,
    );
  });

  const actions = () => audit.record.mock.calls.map(([entry]) => entry.action);

  it('signs in with a right TOTP code, spent once', async () => {
    const checked: CheckedCode = { method: 'totp', step: 42 };
    twoFactor.checkCode.mockResolvedValue(checked);
    await expect(service.verify(user, '123456')).resolves.toEqual({
      outcome: 'signed_in',
      method: 'totp',
      recoveryCodesLeft: null,
      token: 'new-cookie',
    });
    expect(twoFactor.spendCode).toHaveBeenCalledWith('p1', checked);
    expect(auth.completeTwoFactor).toHaveBeenCalledWith(
      expect.objectContaining({ personId: 'p1', twoFactor: true, mustEnrol: false }),
      's1',
      'totp',
    );
    expect(twoFactor.recordFailure).not.toHaveBeenCalled();
    expect(mail.enqueue).not.toHaveBeenCalled();
  });

  it('refuses a right code whose step was already used (replay), saying so, without counting a failure', async () => {
    twoFactor.checkCode.mockResolvedValue({ method: 'totp', step: 42 });
    twoFactor.spendCode.mockResolvedValue(false);
    twoFactor.isSpentCode.mockResolvedValue(true);
    await expect(service.verify(user, '123456')).rejects.toMatchObject({
      kind: 'unauthenticated',
      message: TWO_FACTOR_CODE_REUSED,
    });
    expect(auth.completeTwoFactor).not.toHaveBeenCalled();
    expect(twoFactor.recordFailure).not.toHaveBeenCalled();
    expect(actions()).toEqual(['auth.login.failed']);
  });

  it('counts a wrong code as a failed sign-in', async () => {
    await expect(service.verify(user, '000000')).rejects.toMatchObject(REFUSED);
    expect(twoFactor.recordFailure).toHaveBeenCalledTimes(1);
    expect(audit.record.mock.calls[0][0]).toMatchObject({
      action: 'auth.login.failed',
      outcome: 'failure',
      details: { reason: 'wrong_second_factor', step: 'two_factor' },
    });
  });

  it('refuses a locked person without looking at the code or counting again', async () => {
    twoFactor.isLocked.mockResolvedValue(true);
    twoFactor.checkCode.mockResolvedValue({ method: 'totp', step: 42 });
    await expect(service.verify(user, '123456')).rejects.toMatchObject(REFUSED);
    expect(twoFactor.checkCode).not.toHaveBeenCalled();
    expect(twoFactor.recordFailure).not.toHaveBeenCalled();
    expect(audit.record.mock.calls[0][0].details).toEqual({ reason: 'locked', step: 'two_factor' });
  });

  it('signs in with a recovery code, audits it and mails the owner', async () => {
    twoFactor.checkCode.mockResolvedValue({ method: 'recovery_code', digest: 'd' });
    await expect(service.verify(user, 'abcde-fghjk')).resolves.toEqual({
      outcome: 'signed_in',
      method: 'recovery_code',
      recoveryCodesLeft: 7,
      token: 'new-cookie',
    });
    expect(actions()).toEqual(['auth.2fa.recovery_code_used']);
    expect(audit.record.mock.calls[0][0].details).toEqual({ remaining: 7 });
    expect(mail.enqueue).toHaveBeenCalledWith(
      'recovery-code-used',
      'ann@example.test',
      expect.objectContaining({ remaining: 7 }),
    );
    expect(auth.completeTwoFactor).toHaveBeenCalledWith(expect.anything(), 's1', 'recovery_code');
  });

  it('ends the pending session once the time since the password has run out', async () => {
    clock.set(start + TWO_FACTOR_PENDING_SECONDS * 1000);
    await expect(service.verify(user, '123456')).resolves.toEqual({ outcome: 'restart' });
    expect(sessions.end).toHaveBeenCalledWith('s1', 'two-factor-timeout');
    expect(twoFactor.checkCode).not.toHaveBeenCalled();
    expect(twoFactor.recordFailure).not.toHaveBeenCalled();
  });

  it('starts over when two-factor was removed or the person disabled meanwhile', async () => {
    twoFactor.find.mockResolvedValueOnce({ ...row, totpEnabledAt: null, totpSecret: null });
    await expect(service.verify(user, '123456')).resolves.toEqual({ outcome: 'restart' });
    twoFactor.find.mockResolvedValueOnce({ ...row, status: 'disabled' });
    await expect(service.verify(user, '123456')).resolves.toEqual({ outcome: 'restart' });
    expect(sessions.end).toHaveBeenCalledWith('s1', 'two-factor-unavailable');
    expect(auth.completeTwoFactor).not.toHaveBeenCalled();
  });
});

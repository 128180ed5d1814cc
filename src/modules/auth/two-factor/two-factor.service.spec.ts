import type { EntityManager } from '@mikro-orm/better-sqlite';
import { FixedClock } from '../../../common/clock';
import { InputRefused } from '../../../common/errors/app-error';
import type { Principal } from '../../../common/http/principal';
import { SecretBox } from '../../../common/security/secret-box';
import type { AppConfig } from '../../../config/app.config';
import type { AppEvents } from '../../../platform/events/app-events.service';
import type { AuditService } from '../../../platform/audit/audit.service';
import type { MailService } from '../../../platform/mail/mail.service';
import type { OrganizationsService } from '../../organizations/organizations.service';
import type { LockoutService } from '../lockout/lockout.service';
import { REAUTH_LOCKED, type ReauthService } from '../reauth.service';
import type { SessionsService } from '../sessions/sessions.service';
import { newTotpSecret, totpCode } from './totp';
import type { TwoFactorRow, TwoFactorStore } from './two-factor.store';
import { TwoFactorService } from './two-factor.service';

describe('TwoFactorService', () => {
  const appSecret = 'unit-test-secret-0123456789abcdef0123456789';
  const now = Date.parse('2026-11-26T10:00:00Z');
  const secret = newTotpSecret();
  const row: TwoFactorRow = {
    personId: 'p1',
    email: 'ann@example.test',
    name: 'Ann',
    status: 'active',
    organizationId: null,
    role: 'member',
    requireTwoFactor: 0,
    totpSecret: new SecretBox(appSecret, 'totp').seal(secret),
    totpPendingSecret: null,
    totpEnabledAt: now - 86_400_000,
    totpLastStep: null,
    antiPhishingPhrase: null,
  };
  const user = { personId: 'p1', sessionId: 's1', email: row.email, stage: 'active' } as Principal;
  let repo: jest.Mocked<Pick<TwoFactorStore, 'find' | 'claimStep' | 'useRecoveryCode' | 'clear' | 'setPending'>>;
  let reauth: jest.Mocked<Pick<ReauthService, 'verify' | 'failed'>>;
  let lockout: jest.Mocked<Pick<LockoutService, 'recordFailure'>>;
  let audit: jest.Mocked<Pick<AuditService, 'record'>>;
  let service: TwoFactorService;

  beforeEach(() => {
    repo = {
      find: jest.fn().mockResolvedValue(row),
      claimStep: jest.fn().mockResolvedValue(true),
      useRecoveryCode: jest.fn().mockResolvedValue(true),
      clear: jest.fn().mockResolvedValue(undefined),
      setPending: jest.fn().mockResolvedValue(undefined),
    };
    reauth = { verify: jest.fn().mockResolvedValue('ok'), failed: jest.fn().mockResolvedValue(undefined) };
    lockout = { recordFailure: jest.fn().mockResolvedValue(false) };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    service = new TwoFactorService(
      { appSecret } as AppConfig,
      { transactional: jest.fn((work: () => Promise<unknown>) => work()) } as unknown as EntityManager,
      repo as unknown as TwoFactorStore,
      {} as OrganizationsService,
      reauth as unknown as ReauthService,
      {} as SessionsService,
      lockout as unknown as LockoutService,
      audit as unknown as AuditService,
      { enqueue: jest.fn().mockResolvedValue(1) } as unknown as MailService,
      { emit: jest.fn() } as unknown as AppEvents,
      new FixedClock(now),
    );
  });

  describe('checkCode', () => {
    it('reads six digits as a TOTP code of the sealed secret', async () => {
      const code = await totpCode(secret, new Date(now));
      await expect(service.checkCode(row, ` ${code.slice(0, 3)} ${code.slice(3)} `)).resolves.toEqual({
        method: 'totp',
        step: Math.floor(now / 30_000),
      });
      await expect(service.checkCode({ ...row, totpLastStep: Math.floor(now / 30_000) }, code)).resolves.toBeNull();
    });

    it('reads xxxxx-xxxxx as a recovery code, kept only as a digest', async () => {
      const checked = await service.checkCode(row, 'ABCDE-FGHJK');
      expect(checked).toMatchObject({ method: 'recovery_code' });
      expect(JSON.stringify(checked)).not.toMatch(/abcde|fghjk/i);
      expect(await service.checkCode(row, 'abcde fghjk')).toEqual(checked);
    });

    it('refuses anything else, and everything when two-factor is off', async () => {
      for (const input of [undefined, 42, '', '12345', 'x'.repeat(65), 'abcde-fghju']) {
        await expect(service.checkCode(row, input)).resolves.toBeNull();
      }
      const code = await totpCode(secret, new Date(now));
      await expect(service.checkCode({ ...row, totpEnabledAt: null }, code)).resolves.toBeNull();
      // A secret sealed under another key does not open.
      const foreign = { ...row, totpSecret: new SecretBox('another-secret-entirely-0123456789', 'totp').seal(secret) };
      await expect(service.checkCode(foreign, code)).resolves.toBeNull();
    });
  });

  describe('disable', () => {
    const refusal = (error: unknown) => {
      expect(error).toBeInstanceOf(InputRefused);
      return (error as InputRefused).fields;
    };
    const ONE_ANSWER = { password: 'The password or the code is not right. Check both and try again.' };

    it('gives one answer whichever input was wrong, counts the attempt once and changes nothing', async () => {
      reauth.verify.mockResolvedValue('wrong');
      const code = await totpCode(secret, new Date(now));
      const bothWrong = await service.disable(user, { password: 'wrong', code: '000000' }).catch((e: unknown) => e);
      const passwordWrong = await service.disable(user, { password: 'wrong', code }).catch((e: unknown) => e);
      reauth.verify.mockResolvedValue('ok');
      const codeWrong = await service.disable(user, { password: 'right', code: '000000' }).catch((e: unknown) => e);
      expect([refusal(bothWrong), refusal(passwordWrong), refusal(codeWrong)]).toEqual([
        ONE_ANSWER,
        ONE_ANSWER,
        ONE_ANSWER,
      ]);
      // A wrong password is audited and counted by the re-authentication; a wrong code alone is counted here.
      expect(reauth.failed.mock.calls).toEqual([
        ['p1', '2fa_disable'],
        ['p1', '2fa_disable'],
      ]);
      expect(lockout.recordFailure.mock.calls).toEqual([['p1']]);
      // The right code was not spent on the wrong password.
      expect(repo.claimStep).not.toHaveBeenCalled();
      expect(repo.clear).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('is refused while the account is locked, before any code is looked at', async () => {
      reauth.verify.mockResolvedValue('locked');
      const code = await totpCode(secret, new Date(now));
      const error = await service.disable(user, { password: 'right', code }).catch((e: unknown) => e);
      expect(refusal(error)).toEqual({ password: REAUTH_LOCKED });
      expect(repo.claimStep).not.toHaveBeenCalled();
      expect(repo.clear).not.toHaveBeenCalled();
    });

    it('turns two-factor off with the password and a code, audited', async () => {
      const code = await totpCode(secret, new Date(now));
      await service.disable(user, { password: 'right', code });
      expect(repo.claimStep).toHaveBeenCalledWith('p1', Math.floor(now / 30_000));
      expect(repo.clear).toHaveBeenCalledWith('p1');
      expect(audit.record.mock.calls.map(([entry]) => entry.action)).toEqual(['auth.2fa.disabled']);
      expect(lockout.recordFailure).not.toHaveBeenCalled();
    });

    it('is refused while the organization requires two-factor', async () => {
      repo.find.mockResolvedValue({ ...row, requireTwoFactor: 1 });
      await expect(service.disable(user, { password: 'right', code: '123456' })).rejects.toThrow(/requires/);
      expect(repo.clear).not.toHaveBeenCalled();
    });
  });

  it('keeps a new secret pending, sealed, until it is confirmed', async () => {
    const setup = await service.beginSetup(user);
    const [, sealed] = repo.setPending.mock.calls[0];
    expect(sealed).not.toContain(setup.secret);
    expect(new SecretBox(appSecret, 'totp').open(sealed)).toBe(setup.secret);
    expect(setup).toMatchObject({ replacing: true });
    expect(setup.qrDataUri).toMatch(/^data:image\/svg\+xml;base64,/);
  });
});

import type { EntityManager } from '@mikro-orm/better-sqlite';
import { FixedClock } from '../../common/clock';
import { FormError } from '../../common/http/exceptions';
import type { Principal } from '../../common/http/principal';
import type { PasswordHasher } from '../../common/security/password-hasher';
import { SecretBox } from '../../common/security/secret-box';
import type { AppConfig } from '../../config/app.config';
import type { AppEvents } from '../../events/app-events.service';
import type { AuditService } from '../audit/audit.service';
import type { MailService } from '../mail/mail.service';
import type { OrganizationsService } from '../organizations/organizations.service';
import type { LockoutService } from './lockout.service';
import type { SessionsService } from './sessions.service';
import { newTotpSecret, totpCode } from './totp';
import type { TwoFactorRepository, TwoFactorRow } from './two-factor.repository';
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
    requireTwoFactor: 0,
    totpSecret: new SecretBox(appSecret, 'totp').seal(secret),
    totpPendingSecret: null,
    totpEnabledAt: now - 86_400_000,
    totpLastStep: null,
    antiPhishingPhrase: null,
  };
  const user = { personId: 'p1', sessionId: 's1', email: row.email, stage: 'active' } as Principal;
  let repo: jest.Mocked<
    Pick<TwoFactorRepository, 'find' | 'passwordHash' | 'claimStep' | 'useRecoveryCode' | 'clear' | 'setPending'>
  >;
  let hasher: jest.Mocked<Pick<PasswordHasher, 'verify'>>;
  let lockout: jest.Mocked<Pick<LockoutService, 'recordFailure'>>;
  let audit: jest.Mocked<Pick<AuditService, 'record'>>;
  let service: TwoFactorService;

  beforeEach(() => {
    repo = {
      find: jest.fn().mockResolvedValue(row),
      passwordHash: jest.fn().mockResolvedValue('hash'),
      claimStep: jest.fn().mockResolvedValue(true),
      useRecoveryCode: jest.fn().mockResolvedValue(true),
      clear: jest.fn().mockResolvedValue(undefined),
      setPending: jest.fn().mockResolvedValue(undefined),
    };
    hasher = { verify: jest.fn().mockResolvedValue(true) };
    lockout = { recordFailure: jest.fn().mockResolvedValue(false) };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    service = new TwoFactorService(
      { appSecret } as AppConfig,
      { transactional: jest.fn((work: () => Promise<unknown>) => work()) } as unknown as EntityManager,
      repo as unknown as TwoFactorRepository,
      {} as OrganizationsService,
      hasher as unknown as PasswordHasher,
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
    it('names each wrong input, counts a failure and changes nothing', async () => {
      hasher.verify.mockResolvedValue(false);
      const error = await service.disable(user, { password: 'wrong', code: '000000' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FormError);
      expect(Object.keys((error as FormError).fields).sort()).toEqual(['code', 'password']);
      expect(lockout.recordFailure).toHaveBeenCalledWith('p1');
      expect(repo.claimStep).not.toHaveBeenCalled();
      expect(repo.clear).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('does not spend a right code when the password is wrong', async () => {
      hasher.verify.mockResolvedValue(false);
      const code = await totpCode(secret, new Date(now));
      const error = (await service.disable(user, { password: 'wrong', code }).catch((e: unknown) => e)) as FormError;
      expect(Object.keys(error.fields)).toEqual(['password']);
      expect(repo.claimStep).not.toHaveBeenCalled();
    });

    it('turns two-factor off with the password and a code, audited', async () => {
      const code = await totpCode(secret, new Date(now));
      await service.disable(user, { password: 'right', code });
      expect(repo.claimStep).toHaveBeenCalledWith('p1', Math.floor(now / 30_000));
      expect(repo.clear).toHaveBeenCalledWith('p1', now);
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

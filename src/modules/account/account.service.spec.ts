import type { EntityManager } from '@mikro-orm/better-sqlite';
import { FixedClock } from '../../common/clock';
import type { Principal } from '../../common/http/principal';
import type { AppConfig } from '../../config/app.config';
import type { AuditService } from '../../platform/audit/audit.service';
import type { AuthTokensService } from '../auth/auth-tokens.service';
import { REAUTH_LOCKED, type ReauthResult, type ReauthService } from '../auth/reauth.service';
import type { SessionsService } from '../auth/sessions/sessions.service';
import type { MailService } from '../../platform/mail/mail.service';
import type { OrganizationsService } from '../organizations/organizations.service';
import type { AuditLogService } from '../../platform/audit/audit-log.service';
import { InputRefused } from '../../common/errors/app-error';
import { AccountService } from './account.service';
import { PasswordPolicy } from '../people/password-policy';
import type { Person } from '../people/person.entity';
import { HashedPassword, type PeopleService } from '../people/people.service';

const user = { personId: 'p1', sessionId: 's-this', email: 'ada@example.test' } as Principal;
const person = {
  id: 'p1',
  email: 'ada@example.test',
  name: 'Ada Lovelace',
  status: 'active',
  antiPhishingPhrase: 'tea at four',
  organizationId: null,
} as unknown as Person;
const CURRENT = 'current-password-of-ada';
const NEW = 'amber-orchard-compass-917';

describe('AccountService', () => {
  let order: string[];
  let users: jest.Mocked<
    Pick<PeopleService, 'findById' | 'hashPassword' | 'setPassword' | 'emailTaken' | 'updateDetails'>
  >;
  let sessions: jest.Mocked<Pick<SessionsService, 'endAllOf' | 'confirm'>>;
  let tokens: jest.Mocked<Pick<AuthTokensService, 'issue' | 'check' | 'consume' | 'revoke'>>;
  let mail: jest.Mocked<Pick<MailService, 'enqueue'>>;
  let audit: jest.Mocked<Pick<AuditService, 'record'>>;
  let reauth: jest.Mocked<Pick<ReauthService, 'check'>>;
  let service: AccountService;

  const track = <T>(name: string, value?: T) =>
    jest.fn().mockImplementation(async () => {
      order.push(name);
      return value;
    });

  beforeEach(() => {
    order = [];
    users = {
      emailTaken: jest.fn().mockResolvedValue(false),
      updateDetails: track('update'),
      findById: jest.fn().mockResolvedValue(person),
      hashPassword: track('hash', new HashedPassword('new-hash')),
      setPassword: track('setPassword'),
    };
    sessions = { endAllOf: track('endAllOf', 2), confirm: track('confirm') };
    tokens = { issue: track('issue', 'T'.repeat(43)), check: jest.fn(), consume: jest.fn(), revoke: track('revoke') };
    mail = { enqueue: track('mail', 1) };
    audit = { record: track('audit') };
    reauth = {
      check: jest.fn(async (_id: string, pw: unknown, _purpose: string): Promise<ReauthResult> =>
        pw === CURRENT ? 'ok' : 'wrong',
      ),
    };
    const em = {
      transactional: jest.fn(async (work: () => Promise<unknown>) => {
        order.push('begin');
        const result = await work();
        order.push('commit');
        return result;
      }),
    };
    service = new AccountService(
      em as unknown as EntityManager,
      {} as AuditLogService,
      users as unknown as PeopleService,
      { passwordMinLength: () => Promise.resolve(null) } as unknown as OrganizationsService,
      new PasswordPolicy({ passwordMinLength: 12 } as AppConfig),
      tokens as unknown as AuthTokensService,
      sessions as unknown as SessionsService,
      reauth as unknown as ReauthService,
      mail as unknown as MailService,
      audit as unknown as AuditService,
      new FixedClock(Date.parse('2026-11-26T10:00:00Z')),
      { timeZone: 'UTC' } as AppConfig,
    );
  });

  describe('changePassword', () => {
    it('hashes outside the transaction, then sets it, ends the other sessions, audits and mails together', async () => {
      await service.changePassword(user, { currentPassword: CURRENT, newPassword: NEW, confirmPassword: NEW });
      expect(users.hashPassword).toHaveBeenCalledWith(NEW);
      expect(users.setPassword).toHaveBeenCalledWith('p1', new HashedPassword('new-hash'));
      expect(order).toEqual([
        'hash',
        'begin',
        'setPassword',
        'endAllOf',
        'confirm',
        'revoke',
        'audit',
        'mail',
        'commit',
      ]);
      expect(sessions.endAllOf).toHaveBeenCalledWith('p1', 'password-changed', 's-this');
      expect(sessions.confirm).toHaveBeenCalledWith('s-this');
      // Every open link dies with the old password (reset, email change, backup email).
      expect(tokens.revoke).toHaveBeenCalledWith('p1');
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'auth.password.changed', details: { signedOutElsewhere: 2 } }),
      );
      expect(JSON.stringify(audit.record.mock.calls)).not.toContain(NEW);
      expect(JSON.stringify(mail.enqueue.mock.calls)).not.toContain(NEW);
    });

    it('refuses a wrong current password (checked, so audited and counted) before looking at the new one', async () => {
      const attempt = service.changePassword(user, { currentPassword: 'nope', newPassword: 'x', confirmPassword: 'y' });
      await expect(attempt).rejects.toMatchObject({
        fields: { currentPassword: 'Your current password is not right.' },
      });
      expect(reauth.check).toHaveBeenCalledWith('p1', 'nope', 'password_change');
      expect(users.hashPassword).not.toHaveBeenCalled();
      expect(users.setPassword).not.toHaveBeenCalled();
    });

    it('says so when the account is locked, even for the right password', async () => {
      reauth.check.mockResolvedValue('locked');
      const attempt = service.changePassword(user, {
        currentPassword: CURRENT,
        newPassword: NEW,
        confirmPassword: NEW,
      });
      await expect(attempt).rejects.toMatchObject({ fields: { currentPassword: REAUTH_LOCKED } });
      expect(users.setPassword).not.toHaveBeenCalled();
    });

    it('refuses a weak password with the meter verdict, and a mismatched confirmation', async () => {
      const weak = await service
        .changePassword(user, {
          currentPassword: CURRENT,
          newPassword: 'password1234',
          confirmPassword: 'password1234',
        })
        .catch((err: unknown) => err);
      expect(weak).toBeInstanceOf(InputRefused);
      expect((weak as InputRefused).fields?.newPassword).toMatch(/too easy to guess/);
      // The meter on the form shown again gives the server's verdict.
      const strength = (weak as InputRefused).locals?.strength as { score: number } | null;
      expect(strength?.score).toBeLessThanOrEqual(2);
      await expect(
        service.changePassword(user, { currentPassword: CURRENT, newPassword: NEW, confirmPassword: `${NEW} ` }),
      ).rejects.toMatchObject({ fields: { confirmPassword: 'The two new passwords are not the same.' } });
      expect(users.setPassword).not.toHaveBeenCalled();
    });
  });

  describe('email change', () => {
    it('mails the new address (without the phrase) and the old one, and changes nothing yet', async () => {
      await service.requestEmailChange(user, ' Ada.New@Example.TEST ');
      expect(tokens.issue).toHaveBeenCalledWith('p1', 'email_change', 86_400, 'ada.new@example.test');
      expect(mail.enqueue).toHaveBeenCalledWith(
        'email-change-confirm',
        'ada.new@example.test',
        expect.objectContaining({ token: 'T'.repeat(43), antiPhishingPhrase: null }),
      );
      expect(mail.enqueue).toHaveBeenCalledWith(
        'email-change-notice',
        'ada@example.test',
        expect.objectContaining({ newEmail: 'ada.new@example.test' }),
      );
      expect(users.updateDetails).not.toHaveBeenCalled();
    });

    it('checks an opened link without using it, and changes nothing', async () => {
      tokens.check.mockResolvedValueOnce({ personId: 'p1', payload: 'ada.new@example.test' });
      await expect(service.checkEmailChange('x')).resolves.toEqual({ email: 'ada.new@example.test' });
      expect(tokens.consume).not.toHaveBeenCalled();
      expect(order).toEqual([]);
      tokens.check.mockResolvedValueOnce(null);
      await expect(service.checkEmailChange('x')).rejects.toMatchObject({ kind: 'input_refused' });
      tokens.check.mockResolvedValueOnce({ personId: 'p1', payload: 'taken@example.test' });
      users.emailTaken.mockResolvedValueOnce(true);
      await expect(service.checkEmailChange('x')).rejects.toThrow(/used by another account/);
    });

    it('refuses a used link and an address taken meanwhile', async () => {
      tokens.consume.mockResolvedValueOnce(null);
      await expect(service.confirmEmailChange('x')).rejects.toThrow(/not valid/);
      tokens.consume.mockResolvedValueOnce({ personId: 'p1', payload: 'taken@example.test' });
      users.emailTaken.mockResolvedValueOnce(true);
      await expect(service.confirmEmailChange('x')).rejects.toThrow(/used by another account/);
      expect(users.updateDetails).not.toHaveBeenCalled();
    });

    it('changes the address, withdraws reset links and tells the old address with its phrase', async () => {
      tokens.consume.mockResolvedValueOnce({ personId: 'p1', payload: 'ada.new@example.test' });
      await expect(service.confirmEmailChange('x')).resolves.toEqual({ email: 'ada.new@example.test' });
      expect(users.updateDetails).toHaveBeenCalledWith('p1', { email: 'ada.new@example.test' }, expect.any(Date));
      expect(tokens.revoke).toHaveBeenCalledWith('p1', 'password_reset');
      expect(mail.enqueue).toHaveBeenCalledWith(
        'email-change-notice',
        'ada@example.test',
        expect.objectContaining({ completed: true, antiPhishingPhrase: 'tea at four' }),
      );
    });
  });

  it('audits a phrase change without the phrase', async () => {
    await service.setPhrase(user, 'my secret words');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'user.anti_phishing_phrase_changed', details: { change: 'set' } }),
    );
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain('my secret words');
  });
});

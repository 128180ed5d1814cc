import type { EntityManager } from '@mikro-orm/better-sqlite';
import type { PasswordHasher } from '../../../common/security/password-hasher';
import type { AppEvents } from '../../../platform/events/app-events.service';
import type { AuditService } from '../../../platform/audit/audit.service';
import type { Person } from '../../people/person.entity';
import type { OrganizationsService } from '../../organizations/organizations.service';
import type { PeopleService } from '../../people/people.service';
import { SignInService } from './sign-in.service';
import type { KnownBrowsersService } from './known-browsers.service';
import type { LockoutService } from '../lockout/lockout.service';
import type { SessionsService } from '../sessions/sessions.service';

describe('SignInService.checkCredentials', () => {
  const person = {
    id: 'p1',
    email: 'a@example.test',
    passwordHash: 'hash',
    status: 'active',
    organizationId: null,
  } as Person;
  let users: jest.Mocked<Pick<PeopleService, 'findForSignIn'>>;
  let hasher: jest.Mocked<Pick<PasswordHasher, 'verify' | 'verifyDummy'>>;
  let audit: jest.Mocked<Pick<AuditService, 'record'>>;
  let lockout: jest.Mocked<Pick<LockoutService, 'isLocked' | 'recordFailure'>>;
  let auth: SignInService;

  let organizations: jest.Mocked<Pick<OrganizationsService, 'signInRules'>>;

  beforeEach(() => {
    users = { findForSignIn: jest.fn() };
    organizations = {
      signInRules: jest.fn().mockResolvedValue({
        requiresTwoFactor: false,
        suspended: false,
        name: null,
        sessionIdleSeconds: null,
        timeZone: null,
      }),
    };
    hasher = { verify: jest.fn(), verifyDummy: jest.fn().mockResolvedValue(false) };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    lockout = { isLocked: jest.fn().mockResolvedValue(false), recordFailure: jest.fn().mockResolvedValue(false) };
    auth = new SignInService(
      { transactional: (work: () => Promise<unknown>) => work() } as unknown as EntityManager,
      users as unknown as PeopleService,
      organizations as unknown as OrganizationsService,
      hasher as unknown as PasswordHasher,
      {} as SessionsService,
      audit as unknown as AuditService,
      { emit: jest.fn() } as unknown as AppEvents,
      lockout as unknown as LockoutService,
      {} as KnownBrowsersService,
    );
  });

  const reason = () => (audit.record.mock.calls[0][0].details as { reason: string }).reason;

  it('spends a hash verification on unknown emails too, so timing does not reveal accounts', async () => {
    users.findForSignIn.mockResolvedValue(null);
    await expect(auth.checkCredentials('nobody@example.test', 'pw')).resolves.toBeNull();
    expect(hasher.verifyDummy).toHaveBeenCalledWith('pw');
    expect(reason()).toBe('unknown_account');
  });

  it('verifies the password of a known person', async () => {
    users.findForSignIn.mockResolvedValue(person);
    hasher.verify.mockResolvedValue(true);
    await expect(auth.checkCredentials('a@example.test', 'pw')).resolves.toEqual({
      personId: 'p1',
      email: 'a@example.test',
      organizationId: null,
      twoFactor: false,
      mustEnrol: false,
    });
    expect(audit.record).not.toHaveBeenCalled();
    hasher.verify.mockResolvedValue(false);
    await expect(auth.checkCredentials('a@example.test', 'pw')).resolves.toBeNull();
    expect(reason()).toBe('wrong_password');
  });

  it('refuses a disabled person even with the right password, after the same work', async () => {
    users.findForSignIn.mockResolvedValue({ ...person, status: 'disabled' } as Person);
    hasher.verify.mockResolvedValue(true);
    await expect(auth.checkCredentials('a@example.test', 'pw')).resolves.toBeNull();
    expect(hasher.verify).toHaveBeenCalled();
    expect(reason()).toBe('disabled');
  });

  it('refuses a person of a suspended organization even with the right password, after the same work', async () => {
    users.findForSignIn.mockResolvedValue({ ...person, organizationId: 'o1' } as Person);
    organizations.signInRules.mockResolvedValue({
      requiresTwoFactor: false,
      suspended: true,
      name: 'Acme',
      sessionIdleSeconds: null,
      timeZone: null,
    });
    hasher.verify.mockResolvedValue(true);
    await expect(auth.checkCredentials('a@example.test', 'pw')).resolves.toBeNull();
    expect(hasher.verify).toHaveBeenCalled();
    expect(organizations.signInRules).toHaveBeenCalledWith('o1');
    expect(reason()).toBe('organization_suspended');
  });

  it('counts a wrong password against the person; an unknown email runs the same count against no one', async () => {
    users.findForSignIn.mockResolvedValue(person);
    hasher.verify.mockResolvedValue(false);
    await auth.checkCredentials('a@example.test', 'wrong');
    expect(lockout.recordFailure).toHaveBeenCalledWith('p1');
    users.findForSignIn.mockResolvedValue(null);
    await auth.checkCredentials('nobody@example.test', 'wrong');
    // The same statements (timing tells nothing), for an id no person has.
    expect(lockout.recordFailure).toHaveBeenCalledTimes(2);
    const [noOne] = lockout.recordFailure.mock.calls[1] as [string];
    expect(noOne).not.toBe('p1');
    expect(lockout.isLocked).toHaveBeenLastCalledWith(noOne);
    expect(audit.record.mock.lastCall?.[0].details).toEqual({ reason: 'unknown_account' });
  });

  it('refuses a locked person even with the right password, after the same hash and statements', async () => {
    users.findForSignIn.mockResolvedValue(person);
    hasher.verify.mockResolvedValue(true);
    lockout.isLocked.mockResolvedValue(true);
    await expect(auth.checkCredentials('a@example.test', 'pw')).resolves.toBeNull();
    expect(hasher.verify).toHaveBeenCalled();
    expect(lockout.isLocked).toHaveBeenCalledWith('p1');
    // The same statements as a wrong password: while locked, LockoutService counts nothing.
    expect(lockout.recordFailure).toHaveBeenCalledWith('p1');
    expect(reason()).toBe('locked');
  });

  it('never audits the password', async () => {
    users.findForSignIn.mockResolvedValue(person);
    hasher.verify.mockResolvedValue(false);
    await auth.checkCredentials('a@example.test', 'hunter2-secret');
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain('hunter2-secret');
  });
});

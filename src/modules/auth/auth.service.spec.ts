import type { PasswordHasher } from '../../common/security/password-hasher';
import type { Person } from '../users/person.entity';
import type { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import type { SessionsService } from './sessions.service';

describe('AuthService.checkCredentials', () => {
  const person = { id: 'p1', passwordHash: 'hash', status: 'active' } as Person;
  let users: jest.Mocked<Pick<UsersService, 'findForSignIn'>>;
  let hasher: jest.Mocked<Pick<PasswordHasher, 'verify' | 'verifyDummy'>>;
  let auth: AuthService;

  beforeEach(() => {
    users = { findForSignIn: jest.fn() };
    hasher = { verify: jest.fn(), verifyDummy: jest.fn().mockResolvedValue(false) };
    auth = new AuthService(
      users as unknown as UsersService,
      hasher as unknown as PasswordHasher,
      {} as SessionsService,
    );
  });

  it('spends a hash verification on unknown emails too, so timing does not reveal accounts', async () => {
    users.findForSignIn.mockResolvedValue(null);
    await expect(auth.checkCredentials('nobody@example.test', 'pw')).resolves.toBeNull();
    expect(hasher.verifyDummy).toHaveBeenCalledWith('pw');
  });

  it('verifies the password of a known person', async () => {
    users.findForSignIn.mockResolvedValue(person);
    hasher.verify.mockResolvedValue(true);
    await expect(auth.checkCredentials('a@example.test', 'pw')).resolves.toEqual({ personId: 'p1' });
    hasher.verify.mockResolvedValue(false);
    await expect(auth.checkCredentials('a@example.test', 'pw')).resolves.toBeNull();
  });

  it('refuses a disabled person even with the right password, after the same work', async () => {
    users.findForSignIn.mockResolvedValue({ ...person, status: 'disabled' } as Person);
    hasher.verify.mockResolvedValue(true);
    await expect(auth.checkCredentials('a@example.test', 'pw')).resolves.toBeNull();
    expect(hasher.verify).toHaveBeenCalled();
  });
});

import { Injectable } from '@nestjs/common';
import { PasswordHasher } from '../../common/security/password-hasher';
import { UsersService } from '../users/users.service';
import { SessionsService, type SessionClient } from './sessions.service';

export const SIGN_IN_FAILED = 'The email address or password is not right, or the account cannot sign in right now.';

export interface SignInCandidate {
  personId: string;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * The person these credentials belong to, or null. Unknown emails cost one
   * argon2 verification too, so timing does not tell which accounts exist.
   */
  async checkCredentials(email: string, password: string): Promise<SignInCandidate | null> {
    if (typeof email !== 'string' || typeof password !== 'string' || password.length > 1024) {
      return this.hasher.verifyDummy(String(password ?? '')).then(() => null);
    }
    const person = await this.users.findForSignIn(email);
    if (!person) return this.hasher.verifyDummy(password).then(() => null);
    const ok = await this.hasher.verify(person.passwordHash, password);
    if (!ok || person.status !== 'active') return null;
    return { personId: person.id };
  }

  async signIn(candidate: SignInCandidate, client: SessionClient, previousSessionId?: string) {
    if (previousSessionId) await this.sessions.end(previousSessionId, 'replaced');
    const session = await this.sessions.start(candidate.personId, client);
    await this.users.recordSignIn(candidate.personId);
    return session;
  }

  signOut(sessionId: string): Promise<boolean> {
    return this.sessions.end(sessionId, 'signed-out');
  }
}

import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { isMailAddress } from '../../../common/http/email-address';
import { hasControlCharacter } from '../../../common/http/text-rules';
import { SignInService, type SignInCandidate } from './sign-in.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: SignInService) {
    super({ usernameField: 'email', passwordField: 'password' });
  }

  // Returning false (not throwing) lets LocalAuthGuard answer every failure the same way.
  async validate(email: string, password: string): Promise<SignInCandidate | false> {
    // LocalAuthGuard has checked the form already; passport also reads the
    // query string, so nothing with a control character goes further (or into the audit).
    if (hasControlCharacter(email) || !isMailAddress(email.trim()) || hasControlCharacter(password)) return false;
    return (await this.auth.checkCredentials(email, password)) ?? false;
  }
}

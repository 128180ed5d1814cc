import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { SignInService, type SignInCandidate } from './sign-in.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: SignInService) {
    super({ usernameField: 'email', passwordField: 'password' });
  }

  // Returning false (not throwing) lets LocalAuthGuard answer every failure the same way.
  async validate(email: string, password: string): Promise<SignInCandidate | false> {
    return (await this.auth.checkCredentials(email, password)) ?? false;
  }
}

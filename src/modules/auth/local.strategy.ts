import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { AuthService, type SignInCandidate } from './auth.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password' });
  }

  // Returning false (not throwing) lets LocalAuthGuard answer every failure the same way.
  async validate(email: string, password: string): Promise<SignInCandidate | false> {
    return (await this.auth.checkCredentials(email, password)) ?? false;
  }
}

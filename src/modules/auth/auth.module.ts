import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../common/config.module';
import { deriveSecretKey } from '../../common/security/keys';
import { MailModule } from '../../platform/mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { AccountSessionsService } from './sessions/account-sessions.service';
import { SignInController } from './sign-in/sign-in.controller';
import { AuthTokensRepository } from './auth-tokens.repository';
import { AuthTokensService } from './auth-tokens.service';
import { SignInService } from './sign-in/sign-in.service';
import { KnownBrowsersRepository } from './sign-in/known-browsers.repository';
import { KnownBrowsersService } from './sign-in/known-browsers.service';
import { LocalStrategy } from './sign-in/local.strategy';
import { LockoutService } from './lockout/lockout.service';
import { PasswordResetController } from './password-reset/password-reset.controller';
import { PasswordResetService } from './password-reset/password-reset.service';
import { ReauthService } from './reauth.service';
import { Session } from './sessions/session.entity';
import { SessionGuard } from './sessions/session.guard';
import { ApiCredentials } from './sessions/api-credentials';
import { SessionMiddleware } from './sessions/session.middleware';
import { DisabledPeopleListener } from './sessions/disabled-people.listener';
import { SuspendedOrganizationsListener } from './sessions/suspended-organizations.listener';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import { TwoFactorController } from './two-factor/two-factor.controller';
import { TwoFactorRepository } from './two-factor/two-factor.repository';
import { TwoFactorStore } from './two-factor/two-factor.store';
import { TwoFactorSignInService } from './two-factor/two-factor-sign-in.service';
import { TwoFactorService } from './two-factor/two-factor.service';

@Module({
  imports: [
    MikroOrmModule.forFeature([Session]),
    PassportModule,
    PeopleModule,
    MailModule,
    OrganizationsModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A KeyObject: with a plain string secret jsonwebtoken re-imports the key on every verify.
      useFactory: (config: AppConfig) => ({
        secret: deriveSecretKey(config.appSecret, 'session-jwt') as unknown as string,
        signOptions: { algorithm: 'HS256', noTimestamp: true },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [SignInController, PasswordResetController, TwoFactorController],
  providers: [
    AuthTokensService,
    AuthTokensRepository,
    SignInService,
    SessionsService,
    SessionsRepository,
    LocalStrategy,
    SessionMiddleware,
    ApiCredentials,
    SessionGuard,
    LockoutService,
    PasswordResetService,
    ReauthService,
    TwoFactorRepository,
    TwoFactorStore,
    TwoFactorService,
    TwoFactorSignInService,
    KnownBrowsersRepository,
    KnownBrowsersService,
    AccountSessionsService,
    DisabledPeopleListener,
    SuspendedOrganizationsListener,
  ],
  exports: [
    AccountSessionsService,
    AuthTokensService,
    SignInService,
    SessionsService,
    SessionMiddleware,
    ApiCredentials,
    SessionGuard,
    LockoutService,
    PasswordResetService,
    ReauthService,
    TwoFactorService,
  ],
})
export class AuthModule {}

import { MikroOrmModule } from '@mikro-orm/nestjs';
import { forwardRef, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../config/config.module';
import { deriveSecretKey } from '../../common/security/keys';
import { MailModule } from '../mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { AccountConfirmController } from './account-confirm.controller';
import { AccountSessionsController } from './account-sessions.controller';
import { AccountSessionsService } from './account-sessions.service';
import { AuthController } from './auth.controller';
import { AuthTokensService } from './auth-tokens.service';
import { AuthService } from './auth.service';
import { KnownBrowsersRepository } from './known-browsers.repository';
import { KnownBrowsersService } from './known-browsers.service';
import { LocalStrategy } from './local.strategy';
import { LockoutExpiryJob } from './lockout-expiry.job';
import { LockoutRepository } from './lockout.repository';
import { LockoutService } from './lockout.service';
import { PasswordResetController } from './password-reset.controller';
import { PasswordResetService } from './password-reset.service';
import { ReauthService } from './reauth.service';
import { Session } from './session.entity';
import { SessionGuard } from './session.guard';
import { SessionMiddleware } from './session.middleware';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { AccountSecurityController } from './account-security.controller';
import { OrgSettingsController } from './org-settings.controller';
import { TwoFactorController } from './two-factor.controller';
import { TwoFactorRepository } from './two-factor.repository';
import { TwoFactorSignInService } from './two-factor-sign-in.service';
import { TwoFactorService } from './two-factor.service';

@Module({
  imports: [
    MikroOrmModule.forFeature([Session]),
    PassportModule,
    forwardRef(() => UsersModule),
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
  controllers: [
    AuthController,
    PasswordResetController,
    TwoFactorController,
    AccountSecurityController,
    OrgSettingsController,
    AccountConfirmController,
    AccountSessionsController,
  ],
  providers: [
    AuthTokensService,
    AuthService,
    SessionsService,
    SessionsRepository,
    LocalStrategy,
    SessionMiddleware,
    SessionGuard,
    LockoutRepository,
    LockoutService,
    LockoutExpiryJob,
    PasswordResetService,
    ReauthService,
    TwoFactorRepository,
    TwoFactorService,
    TwoFactorSignInService,
    KnownBrowsersRepository,
    KnownBrowsersService,
    AccountSessionsService,
  ],
  exports: [
    AuthTokensService,
    AuthService,
    SessionsService,
    SessionMiddleware,
    SessionGuard,
    LockoutService,
    PasswordResetService,
    ReauthService,
    TwoFactorService,
  ],
})
export class AuthModule {}

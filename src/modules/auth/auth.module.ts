import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../config/config.module';
import { deriveSecretKey } from '../../common/security/keys';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthTokensService } from './auth-tokens.service';
import { AuthService } from './auth.service';
import { LocalStrategy } from './local.strategy';
import { Session } from './session.entity';
import { SessionGuard } from './session.guard';
import { SessionMiddleware } from './session.middleware';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

@Module({
  imports: [
    MikroOrmModule.forFeature([Session]),
    PassportModule,
    UsersModule,
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
  controllers: [AuthController],
  providers: [
    AuthTokensService,
    AuthService,
    SessionsService,
    SessionsRepository,
    LocalStrategy,
    SessionMiddleware,
    SessionGuard,
  ],
  exports: [AuthTokensService, AuthService, SessionsService, SessionMiddleware, SessionGuard],
})
export class AuthModule {}

import { MikroOrmModule } from '@mikro-orm/nestjs';
import { forwardRef, Module } from '@nestjs/common';
import { PasswordHasher } from '../../common/security/password-hasher';
import { AuthModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { AccountActivityController } from './account-activity.controller';
import { AccountPasswordController } from './account-password.controller';
import { AccountController } from './account.controller';
import { AccountRepository } from './account.repository';
import { AccountService } from './account.service';
import { OrgPeopleController } from './org-people.controller';
import { PasswordPolicy } from './password-policy';
import { PeopleRepository } from './people.repository';
import { Person } from './person.entity';
import { UsersService } from './users.service';

@Module({
  // Account details need sessions and single-use links, and sign-in needs people: each module imports the other.
  imports: [MikroOrmModule.forFeature([Person]), forwardRef(() => AuthModule), MailModule],
  controllers: [AccountController, AccountPasswordController, AccountActivityController, OrgPeopleController],
  providers: [UsersService, PeopleRepository, PasswordPolicy, PasswordHasher, AccountService, AccountRepository],
  exports: [UsersService, PasswordHasher, PasswordPolicy, AccountService],
})
export class UsersModule {}

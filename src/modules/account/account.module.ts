import { Module } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { AuthModule } from '../auth/auth.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { AccountActivityController } from './account-activity.controller';
import { AccountConfirmController } from './account-confirm.controller';
import { AccountPasswordController } from './account-password.controller';
import { AccountSecurityController } from './account-security.controller';
import { AccountSessionsController } from './account-sessions.controller';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';

/** The signed-in person's own pages under /account: built on auth and people. */
@Module({
  imports: [AuthModule, PeopleModule, OrganizationsModule, MailModule],
  controllers: [
    AccountController,
    AccountPasswordController,
    AccountActivityController,
    AccountSecurityController,
    AccountSessionsController,
    AccountConfirmController,
  ],
  providers: [AccountService],
})
export class AccountModule {}

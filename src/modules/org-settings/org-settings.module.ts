import { Module } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { AuthModule } from '../auth/auth.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { OrgSettingsController, OrgSettingsPageLocals } from './org-settings.controller';
import { OrgSettingsService } from './org-settings.service';

/** /org/settings: an organization admin's settings page, built on organizations, auth and people. */
@Module({
  imports: [AuthModule, PeopleModule, OrganizationsModule, MailModule],
  controllers: [OrgSettingsController],
  providers: [OrgSettingsService, OrgSettingsPageLocals],
})
export class OrgSettingsModule {}

import { Module } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { AuthModule } from '../auth/auth.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { HelpdeskController, HelpdeskPageLocals } from './helpdesk.controller';
import { HelpdeskService } from './helpdesk.service';
import { PersonFinders } from './person-finders';

@Module({
  imports: [PeopleModule, AuthModule, OrganizationsModule, MailModule],
  controllers: [HelpdeskController],
  providers: [HelpdeskService, HelpdeskPageLocals, PersonFinders],
  // PersonFinders: the hook for other ways to find a person (see person-finders.ts).
  exports: [HelpdeskService, PersonFinders],
})
export class HelpdeskModule {}

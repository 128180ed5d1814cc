import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { PasswordHasher } from '../../common/security/password-hasher';
import { MailModule } from '../../platform/mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MemberPageLocals, OrgPeopleController } from './people.controller';
import { PeopleCsvController } from './people-csv.controller';
import { PeopleImportService } from './people-import.service';
import { OrgMembersService } from './org-members.service';
import { LockoutStateRepository } from './lockout-state.repository';
import { LockoutStateService } from './lockout-state.service';
import { PasswordPolicy } from './password-policy';
import { PeopleRepository } from './people.repository';
import { Person } from './person.entity';
import { PeopleService } from './people.service';

@Module({
  imports: [MikroOrmModule.forFeature([Person]), OrganizationsModule, MailModule],
  controllers: [OrgPeopleController, PeopleCsvController, InvitationsController],
  providers: [
    PeopleService,
    PeopleRepository,
    OrgMembersService,
    MemberPageLocals,
    LockoutStateService,
    LockoutStateRepository,
    PasswordPolicy,
    PasswordHasher,
    InvitationsService,
    InvitationsRepository,
    PeopleImportService,
  ],
  exports: [PeopleService, LockoutStateService, PasswordHasher, PasswordPolicy, InvitationsService],
})
export class PeopleModule {}

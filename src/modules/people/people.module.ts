import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { PasswordHasher } from '../../common/security/password-hasher';
import { MemberPageLocals, OrgPeopleController } from './people.controller';
import { OrgMembersService } from './org-members.service';
import { LockoutStateRepository } from './lockout-state.repository';
import { LockoutStateService } from './lockout-state.service';
import { PasswordPolicy } from './password-policy';
import { PeopleRepository } from './people.repository';
import { Person } from './person.entity';
import { PeopleService } from './people.service';

@Module({
  imports: [MikroOrmModule.forFeature([Person])],
  controllers: [OrgPeopleController],
  providers: [
    PeopleService,
    PeopleRepository,
    OrgMembersService,
    MemberPageLocals,
    LockoutStateService,
    LockoutStateRepository,
    PasswordPolicy,
    PasswordHasher,
  ],
  exports: [PeopleService, LockoutStateService, PasswordHasher, PasswordPolicy],
})
export class PeopleModule {}

import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { PasswordHasher } from '../../common/security/password-hasher';
import { OrgPeopleController } from './people.controller';
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
    LockoutStateService,
    LockoutStateRepository,
    PasswordPolicy,
    PasswordHasher,
  ],
  exports: [PeopleService, LockoutStateService, PasswordHasher, PasswordPolicy],
})
export class PeopleModule {}

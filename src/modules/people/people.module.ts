import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { PasswordHasher } from '../../common/security/password-hasher';
import { OrgPeopleController } from './people.controller';
import { PasswordPolicy } from './password-policy';
import { PeopleRepository } from './people.repository';
import { Person } from './person.entity';
import { PeopleService } from './people.service';

@Module({
  imports: [MikroOrmModule.forFeature([Person])],
  controllers: [OrgPeopleController],
  providers: [PeopleService, PeopleRepository, PasswordPolicy, PasswordHasher],
  exports: [PeopleService, PasswordHasher, PasswordPolicy],
})
export class PeopleModule {}

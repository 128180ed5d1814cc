import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { PasswordHasher } from '../../common/security/password-hasher';
import { AccountController } from './account.controller';
import { OrgPeopleController } from './org-people.controller';
import { PasswordPolicy } from './password-policy';
import { PeopleRepository } from './people.repository';
import { Person } from './person.entity';
import { UsersService } from './users.service';

@Module({
  imports: [MikroOrmModule.forFeature([Person])],
  controllers: [AccountController, OrgPeopleController],
  providers: [UsersService, PeopleRepository, PasswordPolicy, PasswordHasher],
  exports: [UsersService, PasswordHasher, PasswordPolicy],
})
export class UsersModule {}

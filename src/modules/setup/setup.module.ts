import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { SetupController } from './setup.controller';
import { SetupGate } from './setup.gate';
import { SetupService } from './setup.service';

@Module({
  imports: [PeopleModule, OrganizationsModule],
  controllers: [SetupController],
  providers: [SetupService, SetupGate],
  exports: [SetupGate],
})
export class SetupModule {}

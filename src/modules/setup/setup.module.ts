import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { SetupController } from './setup.controller';
import { SetupGate } from './setup.gate';
import { SetupService } from './setup.service';

@Module({
  imports: [UsersModule, OrganizationsModule],
  controllers: [SetupController],
  providers: [SetupService, SetupGate],
  exports: [SetupGate],
})
export class SetupModule {}

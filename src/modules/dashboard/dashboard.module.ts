import { Module } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { DevicesModule } from '../devices/devices.module';
import { LicensesModule } from '../licenses/licenses.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';

// The operators' overview card reads each owning module's service.
@Module({
  imports: [OrganizationsModule, LicensesModule, DevicesModule, PeopleModule, MailModule],
  controllers: [DashboardController],
  providers: [DashboardService],
})
export class DashboardModule {}

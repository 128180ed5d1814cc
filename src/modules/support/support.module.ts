import { Module } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { DevicesModule } from '../devices/devices.module';
import { HelpdeskModule } from '../helpdesk/helpdesk.module';
import { LicensesModule } from '../licenses/licenses.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { CannedRepliesController } from './canned-replies.controller';
import { CannedRepliesRepository } from './canned-replies.repository';
import { CannedRepliesService } from './canned-replies.service';
import { AdminSupportController, AdminSupportPageLocals, AdminSupportPages } from './admin-support.controller';
import { SupportGlance } from './glance';
import { SlaService } from './sla.service';
import { SupportJobs } from './support-jobs';
import { SupportController, SupportPageLocals, SupportPages } from './support.controller';
import { SupportService } from './support.service';
import { TicketsRepository } from './tickets.repository';

@Module({
  imports: [PeopleModule, OrganizationsModule, LicensesModule, DevicesModule, MailModule, HelpdeskModule],
  // The canned replies' routes come before `/admin/support/:id`, which would take `canned` for an id.
  controllers: [SupportController, CannedRepliesController, AdminSupportController],
  providers: [
    SupportService,
    TicketsRepository,
    SupportPages,
    SupportPageLocals,
    AdminSupportPages,
    AdminSupportPageLocals,
    SupportJobs,
    SlaService,
    SupportGlance,
    CannedRepliesService,
    CannedRepliesRepository,
  ],
  exports: [SupportService],
})
export class SupportModule {}

import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { DevicesModule } from '../devices/devices.module';
import { HelpdeskModule } from '../helpdesk/helpdesk.module';
import { LicensesModule } from '../licenses/licenses.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { CannedRepliesController } from './canned-replies.controller';
import { CannedRepliesRepository } from './canned-replies.repository';
import { CannedRepliesService } from './canned-replies.service';
import { AttachmentUploadMiddleware } from './attachment-upload';
import { AdminSupportController, AdminSupportPageLocals, AdminSupportPages } from './admin-support.controller';
import { SupportGlance } from './glance';
import { SlaService } from './sla.service';
import { SupportJobs } from './support-jobs';
import { SupportController, SupportPageLocals, SupportPages } from './support.controller';
import { SupportService } from './support.service';
import { TicketAttachments } from './ticket-attachments';
import { TicketIntake } from './ticket-intake';
import { AdminSupportAttachmentsController, SupportAttachmentsController } from './ticket-attachments.controller';
import { TicketAttachmentsRepository } from './ticket-attachments.repository';
import { TicketsRepository } from './tickets.repository';

@Module({
  imports: [PeopleModule, OrganizationsModule, LicensesModule, DevicesModule, MailModule, HelpdeskModule],
  // The canned replies' routes come before `/admin/support/:id`, which would take `canned` for an id.
  controllers: [
    SupportController,
    CannedRepliesController,
    AdminSupportController,
    SupportAttachmentsController,
    AdminSupportAttachmentsController,
  ],
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
    TicketAttachments,
    TicketAttachmentsRepository,
    TicketIntake,
  ],
  exports: [SupportService, TicketIntake],
})
export class SupportModule implements NestModule {
  // The forms with files arrive as multipart: read (to temporary files) before the guards check their CSRF field.
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(AttachmentUploadMiddleware)
      .forRoutes(
        { path: 'support/new', method: RequestMethod.POST },
        { path: 'support/:id/reply', method: RequestMethod.POST },
        { path: 'admin/support/:id/reply', method: RequestMethod.POST },
      );
  }
}

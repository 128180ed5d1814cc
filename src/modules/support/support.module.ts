import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { DevicesModule } from '../devices/devices.module';
import { LicensesModule } from '../licenses/licenses.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { AttachmentUploadMiddleware } from './attachment-upload';
import { AdminSupportController, AdminSupportPageLocals, AdminSupportPages } from './admin-support.controller';
import { SupportJobs } from './support-jobs';
import { SupportController, SupportPageLocals, SupportPages } from './support.controller';
import { SupportService } from './support.service';
import { TicketAttachments } from './ticket-attachments';
import { AdminSupportAttachmentsController, SupportAttachmentsController } from './ticket-attachments.controller';
import { TicketAttachmentsRepository } from './ticket-attachments.repository';
import { TicketsRepository } from './tickets.repository';

@Module({
  imports: [PeopleModule, OrganizationsModule, LicensesModule, DevicesModule, MailModule],
  controllers: [
    SupportController,
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
    TicketAttachments,
    TicketAttachmentsRepository,
  ],
  exports: [SupportService],
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

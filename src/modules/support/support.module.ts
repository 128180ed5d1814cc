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
import { QueueViews } from './queue-views';
import { BulkUpdateController } from './bulk-update.controller';
import { BulkUpdateService } from './bulk-update.service';
import { SavedSearchesController, SavedSearchWords } from './saved-searches.controller';
import { SavedSearchesRepository } from './saved-searches.repository';
import { SavedSearchesService } from './saved-searches.service';
import { SupportGlance } from './glance';
import { SlaService } from './sla.service';
import { SupportJobs } from './support-jobs';
import { SupportController, SupportPageLocals, SupportPages } from './support.controller';
import { SupportService } from './support.service';
import { SupportWidget } from './support.widget';
import { TicketAttachments } from './ticket-attachments';
import { TicketMerge } from './ticket-merge';
import { TicketMergeController } from './ticket-merge.controller';
import { TicketMergeRepository } from './ticket-merge.repository';
import { TicketIntake } from './ticket-intake';
import { AdminSupportAttachmentsController, SupportAttachmentsController } from './ticket-attachments.controller';
import { TicketAttachmentsRepository } from './ticket-attachments.repository';
import { TicketsRepository } from './tickets.repository';

@Module({
  imports: [PeopleModule, OrganizationsModule, LicensesModule, DevicesModule, MailModule, HelpdeskModule],
  // The canned replies', saved searches' and bulk update's routes come before `/admin/support/:id`, which would
  // take `canned`, `searches` or `bulk` for an id.
  controllers: [
    SupportController,
    CannedRepliesController,
    SavedSearchesController,
    BulkUpdateController,
    AdminSupportController,
    SupportAttachmentsController,
    AdminSupportAttachmentsController,
    TicketMergeController,
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
    SupportWidget,
    TicketMerge,
    TicketMergeRepository,
    SavedSearchesService,
    SavedSearchesRepository,
    SavedSearchWords,
    BulkUpdateService,
    QueueViews,
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

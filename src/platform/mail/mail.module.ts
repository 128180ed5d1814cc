import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { Clock } from '../../common/clock';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../common/config.module';
import { VIEWS_DIR } from '../../config/paths';
import { MailAdminController } from './mail-admin.controller';
import { MailDeliveryService } from './mail-delivery.service';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailRenderer } from './mail-renderer';
import { createMailTransport, MAIL_TRANSPORT } from './mail-transport';
import { MailService } from './mail.service';

// Modules that send mail import this module and call MailService.enqueue().
@Module({
  controllers: [MailAdminController],
  providers: [
    MailService,
    MailDeliveryService,
    MailOutboxRepository,
    {
      provide: MailRenderer,
      inject: [APP_CONFIG],
      // Templates are read and checked once at start-up: a broken one stops the start.
      useFactory: (config: AppConfig) => new MailRenderer(join(VIEWS_DIR, 'mail'), config.baseUrl),
    },
    {
      provide: MAIL_TRANSPORT,
      inject: [APP_CONFIG, Clock],
      useFactory: (config: AppConfig, clock: Clock) => createMailTransport(config, () => clock.now()),
    },
  ],
  exports: [MailService],
})
export class MailModule {}

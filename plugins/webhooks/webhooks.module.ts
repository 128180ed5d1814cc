import { Module } from '@nestjs/common';
import { WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookSettings } from './webhook-settings';
import { WebhooksController } from './webhooks.controller';
import { WebhooksDeliverJob } from './webhooks-deliver.job';
import { WebhooksListener } from './webhooks.listener';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController],
  providers: [
    { provide: WebhookSettings, useFactory: () => WebhookSettings.fromEnvironment() },
    WebhooksRepository,
    WebhookDeliveries,
    WebhooksService,
    WebhooksListener,
    WebhooksDeliverJob,
  ],
  exports: [WebhookSettings, WebhookDeliveries],
})
export class WebhooksModule {}

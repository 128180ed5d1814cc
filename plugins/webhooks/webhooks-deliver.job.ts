import { Injectable } from '@nestjs/common';
import { Job, JobRunner } from '../../src/platform/plugin-host/plugin-api';
import { WebhookDeliveries } from './webhook-deliveries.service';

@Injectable()
export class WebhooksDeliverJob {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly deliveries: WebhookDeliveries,
  ) {}

  @Job({
    name: 'webhooks.deliver',
    cron: '15 * * * * *',
    description:
      'Send webhook deliveries that are due again, backing off exponentially, until they succeed or fail for good',
  })
  run() {
    return this.deliveries.deliverDue();
  }
}

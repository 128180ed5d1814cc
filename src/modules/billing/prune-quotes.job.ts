import { Injectable } from '@nestjs/common';
import { Job } from '../../platform/jobs/job.decorator';
import { JobRunner } from '../../platform/jobs/job-runner';
import { OrdersService } from './orders.service';

@Injectable()
export class PruneQuotesJob {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly orders: OrdersService,
  ) {}

  @Job({
    name: 'billing.prune-quotes',
    cron: '0 40 3 * * *',
    description: 'Quotes never confirmed are deleted 30 days after they ran out (orders, invoices and payments stay)',
  })
  run() {
    return this.orders.pruneQuotes();
  }
}

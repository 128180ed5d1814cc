import { Injectable } from '@nestjs/common';
import { Job } from '../../platform/jobs/job.decorator';
import { JobRunner } from '../../platform/jobs/job-runner';
import { SupportService } from './support.service';

@Injectable()
export class SupportJobs {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly support: SupportService,
  ) {}

  @Job({
    name: 'support.auto-close',
    cron: '0 25 * * * *',
    description: 'Closes tickets solved for 7 days and tells their customers (audited ticket.closed)',
  })
  autoClose() {
    return this.support.autoClose();
  }

  @Job({
    name: 'support.pending-reminder',
    cron: '0 35 * * * *',
    description: 'Reminds the customer once when a ticket has waited on them for 3 days',
  })
  pendingReminder() {
    return this.support.remindPending();
  }
}

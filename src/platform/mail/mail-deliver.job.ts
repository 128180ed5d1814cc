import { Injectable } from '@nestjs/common';
import { Job } from '../jobs/job.decorator';
import { JobRunner } from '../jobs/job-runner';
import { MailService } from './mail.service';

@Injectable()
export class MailDeliverJob {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly mail: MailService,
  ) {}

  @Job({
    name: 'mail.deliver',
    cron: '*/30 * * * * *',
    description: 'Deliver queued mail that is due, retrying failures with backoff',
  })
  run() {
    return this.mail.deliverDue();
  }
}

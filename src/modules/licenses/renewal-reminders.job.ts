import { Injectable } from '@nestjs/common';
import { Job } from '../../platform/jobs/job.decorator';
import { JobRunner } from '../../platform/jobs/job-runner';
import { RenewalRemindersService } from './renewal-reminders.service';

@Injectable()
export class RenewalRemindersJob {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly reminders: RenewalRemindersService,
  ) {}

  @Job({
    name: 'licenses.renewal-reminders',
    cron: '0 20 * * * *',
    description:
      'Renewal reminder mail to admins and the billing email: REMINDER_DAYS before expiry, GRACE_REMINDER_DAYS before the grace period ends; each stage once per license and term (audited license.reminders_sent per organization)',
  })
  run() {
    return this.reminders.run();
  }
}

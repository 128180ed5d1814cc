import { Injectable } from '@nestjs/common';
import { Job } from '../../../platform/jobs/job.decorator';
import { JobRunner } from '../../../platform/jobs/job-runner';
import { LockoutService } from './lockout.service';

@Injectable()
export class LockoutExpiryJob {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly lockout: LockoutService,
  ) {}

  // Sign-in already treats a lockout that ran out as lifted; the job makes it
  // visible (the audit entry, the admin list) without waiting for a sign-in.
  @Job({
    name: 'auth.lockout-expiry',
    cron: '0 * * * * *',
    description: 'Lift account lockouts whose time is up (audited auth.lockout.expired)',
  })
  run() {
    return this.lockout.expireDue();
  }
}

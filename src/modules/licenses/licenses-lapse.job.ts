import { Injectable } from '@nestjs/common';
import { Job } from '../../platform/jobs/job.decorator';
import { JobRunner } from '../../platform/jobs/job-runner';
import { LicensesService } from './licenses.service';

@Injectable()
export class LicensesLapseJob {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly licenses: LicensesService,
  ) {}

  @Job({
    name: 'licenses.renew-due',
    cron: '0 5 * * * *',
    description:
      'Licenses past their expiry renew when auto-renew is on (card or invoice); the others enter the grace period, then expire after GRACE_DAYS (audited)',
  })
  run() {
    return this.licenses.lapseDue();
  }
}

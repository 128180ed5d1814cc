import { Injectable } from '@nestjs/common';
import { Job } from '../../platform/jobs/job.decorator';
import { JobRunner } from '../../platform/jobs/job-runner';
import { DevicesService } from './devices.service';

@Injectable()
export class DevicesStaleJob {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly devices: DevicesService,
  ) {}

  @Job({
    name: 'devices.stale',
    cron: '0 15 * * * *',
    description:
      'Devices silent for 24 hours become at risk, for 30 days unprotected (audited device.marked_stale per organization)',
  })
  run() {
    return this.devices.markStale();
  }
}

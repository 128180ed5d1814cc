import { Injectable } from '@nestjs/common';
import { Job } from '../jobs/job.decorator';
import { JobRunner } from '../jobs/job-runner';
import { AuditIntegrityService } from './audit-integrity.service';

@Injectable()
export class AuditRetentionJob {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly integrity: AuditIntegrityService,
  ) {}

  @Job({
    name: 'audit.retention',
    cron: '0 30 3 * * *',
    description: 'Remove audit entries older than AUDIT_RETENTION_DAYS, keeping the chain verifiable',
  })
  run() {
    return this.integrity.applyRetention();
  }
}

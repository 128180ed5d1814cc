import { Global, Module } from '@nestjs/common';
import { AuditIntegrityService } from './audit-integrity.service';
import { AuditRetentionJob } from './audit-retention.job';
import { AuditService } from './audit.service';

// Global: every module records its actions.
@Global()
@Module({
  providers: [AuditService, AuditIntegrityService, AuditRetentionJob],
  exports: [AuditService, AuditIntegrityService],
})
export class AuditModule {}

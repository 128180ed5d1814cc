import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditChainRepository } from './audit-chain.repository';
import { AuditLogService } from './audit-log.service';
import { AuditRepository } from './audit.repository';
import { AuditIntegrityService } from './audit-integrity.service';
import { AuditService } from './audit.service';
import { OrgAuditController } from './org-audit.controller';

// Global: every module records its actions.
@Global()
@Module({
  controllers: [AuditController, OrgAuditController],
  providers: [AuditService, AuditIntegrityService, AuditRepository, AuditChainRepository, AuditLogService],
  exports: [AuditService, AuditIntegrityService, AuditLogService],
})
export class AuditModule {}

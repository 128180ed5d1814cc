import { defineModule } from '../module-host/define-module';
import { AuditRetentionJob } from './audit-retention.job';
import { AuditModule } from './audit.module';

export const auditPlatform = defineModule({
  id: 'audit',
  module: AuditModule,
  tables: ['audit_entries', 'audit_checkpoints', 'audit_gate'],
  nav: [
    { label: 'Audit log', href: '/admin/audit', icon: 'list-check', roles: ['operator'] },
    { label: 'Audit log', href: '/org/audit', icon: 'list-check', roles: ['admin'] },
  ],
  audit: { 'audit.retention_applied': 'Old audit entries removed' },
  jobs: [AuditRetentionJob],
});

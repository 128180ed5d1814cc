import { defineModule } from '../module-host/define-module';
import { JobsModule } from './jobs.module';

export const jobsPlatform = defineModule({
  id: 'jobs',
  module: JobsModule,
  tables: ['job_runs', 'job_leases'],
  nav: [{ label: 'Jobs', href: '/admin/jobs', icon: 'clock-play', roles: ['operator'] }],
  audit: { 'job.run_requested': 'Job run requested' },
});

import { defineModule } from '../../platform/module-host/define-module';
import { DashboardModule } from './dashboard.module';

export const dashboardModule = defineModule({
  id: 'dashboard',
  module: DashboardModule,
  nav: [{ label: 'Dashboard', href: '/dashboard', icon: 'home', roles: ['operator', 'helpdesk', 'admin', 'member'] }],
});

import { defineModule } from '../../platform/module-host/define-module';
import { DashboardModule } from './dashboard.module';
import { InstallOverviewWidget } from './install-overview.widget';
import { QuickActionsWidget } from './quick-actions.widget';

export const dashboardModule = defineModule({
  id: 'dashboard',
  module: DashboardModule,
  nav: [{ label: 'Dashboard', href: '/dashboard', icon: 'home', roles: ['operator', 'helpdesk', 'admin', 'member'] }],
  dashboardWidgets: [
    {
      id: 'quick-actions',
      title: 'Quick actions',
      partial: 'dashboard/quick-actions',
      roles: ['admin', 'member'],
      data: QuickActionsWidget,
    },
    {
      id: 'install-overview',
      title: 'Install overview',
      partial: 'dashboard/install-overview',
      roles: ['operator'],
      data: InstallOverviewWidget,
    },
  ],
});

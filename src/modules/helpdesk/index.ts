import { defineModule } from '../../platform/module-host/define-module';
import { HelpdeskModule } from './helpdesk.module';
import { HelpdeskWidget } from './helpdesk.widget';

export const helpdeskModule = defineModule({
  id: 'helpdesk',
  module: HelpdeskModule,
  nav: [{ label: 'People', href: '/admin/users', icon: 'lifebuoy', roles: ['helpdesk', 'operator'] }],
  dashboardWidgets: [
    {
      id: 'helpdesk',
      title: 'Helpdesk',
      partial: 'helpdesk/dashboard-widget',
      roles: ['helpdesk'],
      data: HelpdeskWidget,
    },
  ],
  audit: {
    'user.password_reset_sent': 'Password reset link sent by support',
    'user.sessions_ended': 'Signed out everywhere by support',
  },
});

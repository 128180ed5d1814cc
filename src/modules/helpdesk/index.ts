import { defineModule } from '../../platform/module-host/define-module';
import { HelpdeskModule } from './helpdesk.module';

export const helpdeskModule = defineModule({
  id: 'helpdesk',
  module: HelpdeskModule,
  nav: [{ label: 'People', href: '/admin/users', icon: 'lifebuoy', roles: ['helpdesk', 'operator'] }],
  audit: {
    'user.password_reset_sent': 'Password reset link sent by support',
    'user.sessions_ended': 'Signed out everywhere by support',
  },
});

import { defineModule } from '../../platform/module-host/define-module';
import { AccountSecurityWidget } from './account-security.widget';
import { AccountModule } from './account.module';

export const accountModule = defineModule({
  id: 'account',
  module: AccountModule,
  dashboardWidgets: [
    {
      id: 'account-security',
      title: 'Sign-in security',
      partial: 'account/security-widget',
      roles: ['operator', 'helpdesk', 'admin', 'member'],
      data: AccountSecurityWidget,
    },
  ],
  audit: {
    'user.updated': 'Name changed',
    'user.email_change_requested': 'Email address change requested',
    'user.email_changed': 'Email address changed',
    'user.backup_email_requested': 'Backup email address added, waiting for confirmation',
    'user.backup_email_confirmed': 'Backup email address confirmed',
    'user.backup_email_removed': 'Backup email address removed',
    'user.anti_phishing_phrase_changed': 'Security phrase changed',
  },
});

import { defineModule } from '../../platform/module-host/define-module';
import { AccountModule } from './account.module';

export const accountModule = defineModule({
  id: 'account',
  module: AccountModule,
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

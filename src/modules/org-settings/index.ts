import { defineModule } from '../../platform/module-host/define-module';
import { OrgSettingsModule } from './org-settings.module';

export const orgSettingsModule = defineModule({
  id: 'org-settings',
  module: OrgSettingsModule,
  nav: [{ label: 'Organization settings', href: '/org/settings', icon: 'settings', roles: ['admin'] }],
  audit: {
    'organization.two_factor_reminders_sent': 'Reminded people to set up two-factor sign-in',
  },
});

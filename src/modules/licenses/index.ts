import { defineModule } from '../../platform/module-host/define-module';
import './licenses.events';
import { LicensesLapseJob } from './licenses-lapse.job';
import { LicensesModule } from './licenses.module';
import { RenewalRemindersJob } from './renewal-reminders.job';
import { SubscriptionsWidget } from './subscriptions.widget';

export const licensesModule = defineModule({
  id: 'licenses',
  module: LicensesModule,
  tables: ['licenses', 'license_events', 'license_reminders', 'reminder_opt_outs'],
  nav: [
    { label: 'Licenses', href: '/licenses', icon: 'certificate', roles: ['admin', 'member'] },
    { label: 'Licenses', href: '/admin/licenses', icon: 'certificate', roles: ['operator'] },
    { label: 'Renewals', href: '/admin/renewals', icon: 'calendar-due', roles: ['operator'] },
  ],
  audit: {
    'license.created': 'License created',
    'license.extended': 'License term extended',
    'license.suspended': 'License suspended',
    'license.reactivated': 'License reactivated',
    'license.cancelled': 'License cancelled',
    'license.grace_started': 'License entered its grace period',
    'license.expired': 'License expired',
    'license.renewed': 'License renewed',
    'license.upgraded': 'License plan upgraded',
    'license.seats_added': 'Seats added to a license',
    'license.auto_renew_changed': 'License auto-renew changed',
    'license.key_reset': 'Product key replaced',
    'license.key_revealed': 'Product key revealed',
    'license.reminders_sent': 'Renewal reminders sent',
    'license.reminders_snoozed': 'Renewal reminders snoozed',
    'license.reminders_resumed': 'Renewal reminders resumed',
    'license.reminder_mail_opted_out': 'Renewal reminder mail turned off',
    'license.reminder_mail_opted_in': 'Renewal reminder mail turned on',
  },
  events: {
    'license.created': 'A license was created for an organization.',
    'license.status_changed':
      'A license changed status (grace, expired, suspended, reactivated, cancelled, extended back to active).',
  },
  jobs: [LicensesLapseJob, RenewalRemindersJob],
  dashboardWidgets: [
    {
      id: 'subscriptions',
      title: 'Subscriptions',
      partial: 'licenses/subscriptions-widget',
      roles: ['admin', 'member'],
      data: SubscriptionsWidget,
    },
  ],
});

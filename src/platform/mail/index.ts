import { defineModule } from '../module-host/define-module';
import { MailDeliverJob } from './mail-deliver.job';
import { MailModule } from './mail.module';

export const mailPlatform = defineModule({
  id: 'mail',
  module: MailModule,
  tables: ['mail_messages'],
  nav: [{ label: 'Mail', href: '/admin/mail', icon: 'mail', roles: ['operator'] }],
  audit: { 'mail.resent': 'Email sent again', 'mail.test_sent': 'Test email sent' },
  events: { 'mail.failed': 'An email could not be delivered after every retry.' },
  jobs: [MailDeliverJob],
});

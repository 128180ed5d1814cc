import { defineModule } from '../../platform/module-host/define-module';
import { SupportTickets } from '../../platform/plugin-host/support-tickets';
import { SupportJobs } from './support-jobs';
import { SupportModule } from './support.module';
import { SupportWidget } from './support.widget';
import { TicketIntake } from './ticket-intake';

export const supportModule = defineModule({
  id: 'support',
  module: SupportModule,
  tables: ['tickets', 'ticket_messages', 'ticket_attachments', 'support_canned_replies', 'support_saved_searches'],
  nav: [
    { label: 'Support', href: '/support', icon: 'lifebuoy', roles: ['admin', 'member'] },
    { label: 'Support queue', href: '/admin/support', icon: 'inbox', roles: ['helpdesk', 'operator'] },
  ],
  audit: {
    'ticket.created': 'Support ticket opened',
    'ticket.replied': 'Support ticket replied to',
    'ticket.note_added': 'Internal note added to a support ticket',
    'ticket.assigned': 'Support ticket assigned',
    'ticket.status_changed': 'Support ticket status changed',
    'ticket.priority_changed': 'Support ticket impact and priority changed',
    'ticket.closed': 'Support ticket closed',
    'ticket.reopened': 'Support ticket reopened',
    'support.canned_reply_changed': 'Canned reply created, changed or deleted',
    'ticket.attachment_added': 'File attached to a support ticket',
    'ticket.merged': 'Duplicate support ticket merged into another',
    'support.saved_search_changed': 'Shared saved search of the support queue created, changed or deleted',
  },
  jobs: [SupportJobs],
  dashboardWidgets: [
    {
      id: 'support-queue',
      title: 'Support queue',
      partial: 'support/dashboard-widget',
      roles: ['helpdesk', 'operator'],
      data: SupportWidget,
    },
  ],
  // Plugins save a live chat's transcript as a ticket through this port.
  ports: [{ provide: SupportTickets, useExisting: TicketIntake }],
});

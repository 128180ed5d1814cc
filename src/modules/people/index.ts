import { defineModule } from '../../platform/module-host/define-module';
import { MailRecipients } from '../../platform/mail/mail-recipients';
import { MemberCounts } from '../organizations/member-counts';
import { PeopleModule } from './people.module';
import { PeopleService } from './people.service';
import './people.events';

export const peopleModule = defineModule({
  id: 'people',
  module: PeopleModule,
  // people_search: the FTS5 word index of names and addresses (docs/adr/0005-people-search.md).
  // people_summary: people per status and two-factor, kept by triggers (the operators' dashboard).
  tables: ['people', 'people_search', 'invitations', 'people_summary'],
  nav: [{ label: 'People', href: '/org/users', icon: 'users', roles: ['admin'] }],
  audit: {
    'user.created': 'Account created',
    'user.disabled': 'Account disabled',
    'user.enabled': 'Account enabled again',
    'user.role_changed': 'Role changed',
    'user.removed': 'Removed from the organization',
    'user.invited': 'Invited by email',
    'user.invitation_resent': 'Invitation sent again',
    'user.invitation_revoked': 'Invitation revoked',
    'user.invitation_accepted': 'Invitation accepted',
    'user.imported': 'People imported from CSV',
  },
  events: {
    'user.created': 'A person was added.',
    'user.role_changed': "A person's role in their organization changed.",
    'user.disabled': 'An account was disabled (its sessions end).',
    'user.removed': 'A person was removed from their organization.',
    'user.invited': 'A person was invited by email (they have no password until they accept).',
  },
  ports: [
    { provide: MailRecipients, useExisting: PeopleService },
    { provide: MemberCounts, useExisting: PeopleService },
  ],
});

import { defineModule } from '../../platform/module-host/define-module';
import { RecipientPhrases } from '../../platform/mail/recipient-phrases';
import { MemberCounts } from '../organizations/member-counts';
import { PeopleModule } from './people.module';
import { PeopleService } from './people.service';
import './people.events';

export const peopleModule = defineModule({
  id: 'people',
  module: PeopleModule,
  tables: ['people'],
  nav: [{ label: 'People', href: '/org/users', icon: 'users', roles: ['admin'] }],
  audit: {
    'user.created': 'Account created',
    'user.disabled': 'Account disabled',
  },
  events: { 'user.created': 'A person was added.' },
  ports: [
    { provide: RecipientPhrases, useExisting: PeopleService },
    { provide: MemberCounts, useExisting: PeopleService },
  ],
});

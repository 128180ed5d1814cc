import { defineModule } from '../../platform/module-host/define-module';
import { PeopleModule } from './people.module';
import './people.events';

export const peopleModule = defineModule({
  id: 'people',
  module: PeopleModule,
  nav: [{ label: 'People', href: '/org/users', icon: 'users', roles: ['admin'] }],
  audit: {
    'user.created': 'Account created',
    'user.disabled': 'Account disabled',
  },
  events: { 'user.created': 'A person was added.' },
});

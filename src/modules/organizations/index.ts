import { defineModule } from '../../platform/module-host/define-module';
import './organizations.events';
import { OrganizationsModule } from './organizations.module';

export const organizationsModule = defineModule({
  id: 'organizations',
  module: OrganizationsModule,
  nav: [{ label: 'Organizations', href: '/admin/organizations', icon: 'building', roles: ['operator'] }],
  audit: {
    'organization.created': 'Organization created',
    'organization.renamed': 'Organization renamed',
  },
  events: {
    'organization.created': 'An organization was created.',
    'organization.renamed': 'An organization was renamed.',
  },
});

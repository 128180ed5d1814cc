import { defineModule } from '../../platform/module-host/define-module';
import './organizations.events';
import { OrganizationNames } from '../../platform/audit/organization-names';
import { OrganizationTimeZones } from '../../platform/mail/mail-recipients';
import { OrganizationsModule } from './organizations.module';
import { OrganizationsService } from './organizations.service';

export const organizationsModule = defineModule({
  id: 'organizations',
  module: OrganizationsModule,
  tables: ['organizations'],
  nav: [{ label: 'Organizations', href: '/admin/organizations', icon: 'building', roles: ['operator'] }],
  audit: {
    'organization.created': 'Organization created',
    'organization.renamed': 'Organization renamed',
    'organization.settings_changed': 'Organization settings changed',
    'organization.suspended': 'Organization suspended',
    'organization.reactivated': 'Organization reactivated',
  },
  ports: [
    { provide: OrganizationNames, useExisting: OrganizationsService },
    { provide: OrganizationTimeZones, useExisting: OrganizationsService },
  ],
  events: {
    'organization.created': 'An organization was created.',
    'organization.renamed': 'An organization was renamed.',
    'organization.suspended': "An organization was suspended (its people's sessions end).",
    'organization.reactivated': 'A suspended organization was reactivated.',
  },
});

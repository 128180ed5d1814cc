import type { AppEventBase } from '../../platform/events/app-events';

declare module '../../platform/events/app-events' {
  interface AppEventMap {
    'organization.created': AppEventBase & { organizationId: string; name: string };
    'organization.renamed': AppEventBase & { organizationId: string; name: string; previousName: string };
    'organization.suspended': AppEventBase & { organizationId: string; name: string };
    'organization.reactivated': AppEventBase & { organizationId: string; name: string };
  }
}

import type { AppEventBase } from '../../platform/events/app-events';

declare module '../../platform/events/app-events' {
  interface AppEventMap {
    'organization.created': AppEventBase & { organizationId: string; name: string };
    'organization.renamed': AppEventBase & { organizationId: string; name: string; previousName: string };
  }
}

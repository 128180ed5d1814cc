import type { AppEventBase } from '../../platform/events/app-events';

declare module '../../platform/events/app-events' {
  interface AppEventMap {
    'license.created': AppEventBase & { licenseId: string; organizationId: string };
    'license.status_changed': AppEventBase & {
      licenseId: string;
      organizationId: string;
      from: string;
      to: string;
    };
  }
}

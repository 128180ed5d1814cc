import type { AppEventBase } from '../../platform/events/app-events';

declare module '../../platform/events/app-events' {
  interface AppEventMap {
    'product.agent_version_changed': AppEventBase & { productId: string; from: string; to: string };
  }
}

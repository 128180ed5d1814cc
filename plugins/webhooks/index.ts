import { definePlugin } from '../../src/platform/plugin-host/plugin-api';
import { PlgWebhooks0001Init } from './migrations/plg_webhooks_0001_init';
import { PlgWebhooks0002ListByCreation } from './migrations/plg_webhooks_0002_list_by_creation';
import { PlgWebhooks0003UnreachableErrors } from './migrations/plg_webhooks_0003_unreachable_errors';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhooksModule } from './webhooks.module';

export default definePlugin({
  id: 'webhooks',
  name: 'Webhooks',
  version: '1.0.0',
  apiVersion: 1,
  description: 'Sends signed HTTP POSTs to your endpoints when things happen in SeatDesk.',
  module: WebhooksModule,
  entities: [WebhookEndpoint],
  migrations: [
    { name: 'plg_webhooks_0001_init', class: PlgWebhooks0001Init },
    { name: 'plg_webhooks_0002_list_by_creation', class: PlgWebhooks0002ListByCreation },
    { name: 'plg_webhooks_0003_unreachable_errors', class: PlgWebhooks0003UnreachableErrors },
  ],
  nav: [{ label: 'Webhooks', href: '/plugins/webhooks', icon: 'webhook', roles: ['operator'] }],
});

import { APP_EVENT_NAMES, eventDescription } from '../../src/platform/plugin-host/plugin-api';
import type { WebhookEndpoint } from './webhook-endpoint.entity';
import { displayUrl } from './webhook-url';
import type { DeliveryRow, DeliveryStatus, EndpointRow } from './webhooks.repository';

type Color = 'green' | 'yellow' | 'red' | 'blue' | 'secondary';

const STATUS: Record<DeliveryStatus, { label: string; color: Color }> = {
  delivered: { label: 'Delivered', color: 'green' },
  pending: { label: 'Pending', color: 'yellow' },
  sending: { label: 'Sending', color: 'blue' },
  failed: { label: 'Failed', color: 'red' },
};

/** The events as checkboxes, ticked as given. */
export function eventChoices(checked: unknown) {
  const ticked = new Set(Array.isArray(checked) ? checked : typeof checked === 'string' ? [checked] : []);
  return APP_EVENT_NAMES.map((name) => ({ name, description: eventDescription(name), checked: ticked.has(name) }));
}

export function endpointRowView(row: EndpointRow) {
  const events = JSON.parse(row.events) as string[];
  return {
    id: row.id,
    url: displayUrl(row.url),
    events,
    enabled: row.enabled === 1,
    createdAt: row.createdAt,
    lastDelivery: row.lastStatus ? STATUS[row.lastStatus] : null,
  };
}

export function endpointView(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: displayUrl(endpoint.url),
    events: endpoint.events,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt,
  };
}

export function deliveryView(row: DeliveryRow, maxAttempts: number) {
  const status =
    row.status === 'pending' && row.attempts > 0 ? { label: 'Retrying', color: 'yellow' as Color } : STATUS[row.status];
  return {
    ...row,
    badge: status,
    // A status always shows its reason beside it.
    retryAt: row.status === 'pending' && row.attempts > 0 ? row.nextAttemptAt : null,
    gaveUp: row.status === 'failed' && row.attempts >= maxAttempts,
    lastAttemptAt: row.lastAttemptAt,
  };
}

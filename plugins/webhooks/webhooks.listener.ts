import { Injectable } from '@nestjs/common';
import {
  APP_EVENT_NAMES,
  OnAppEvent,
  type AppEventMap,
  type AppEventName,
} from '../../src/platform/plugin-host/plugin-api';
import { WebhookDeliveries } from './webhook-deliveries.service';

/** Turns every domain event into deliveries for the endpoints subscribed to it. */
@Injectable()
export class WebhooksListener {
  constructor(readonly deliveries: WebhookDeliveries) {}
}

// One listener method per event of the typed map (`on organization.created`, …),
// so an event added to AppEventMap reaches webhooks without a change here.
for (const name of APP_EVENT_NAMES) {
  const key = `on ${name}`;
  const descriptor: PropertyDescriptor = {
    value: function (this: WebhooksListener, event: AppEventMap[AppEventName]) {
      return this.deliveries.enqueue(name, event);
    },
    writable: true,
    configurable: true,
  };
  Object.defineProperty(WebhooksListener.prototype, key, descriptor);
  OnAppEvent(name)(WebhooksListener.prototype, key, descriptor);
}

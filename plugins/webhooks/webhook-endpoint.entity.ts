import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

@Entity({ tableName: 'plg_webhooks_endpoints' })
export class WebhookEndpoint {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @Property({ type: 'string', length: 2000 })
  url: string;

  /** Event names (from APP_EVENT_NAMES) this endpoint receives. */
  @Property({ type: 'json' })
  events: string[];

  @Property({ type: 'boolean' })
  enabled: boolean = true;

  // Sealed with PluginSecrets; shown once after creation, never again.
  @Property({ type: 'text', hidden: true, lazy: true })
  secretSealed: string;

  @Property({ type: Date })
  createdAt: Date;

  @Property({ type: Date })
  updatedAt: Date;

  constructor(init: { url: string; events: string[]; enabled: boolean; secretSealed: string; now: Date }) {
    this.url = init.url;
    this.events = init.events;
    this.enabled = init.enabled;
    this.secretSealed = init.secretSealed;
    this.createdAt = this.updatedAt = init.now;
  }
}

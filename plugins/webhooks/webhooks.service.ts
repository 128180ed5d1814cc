import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  AuditService,
  Clock,
  InputRefused,
  NotFound,
  PluginSecrets,
  toPage,
  type Page,
  type PageRequest,
} from '../../src/platform/plugin-host/plugin-api';
import { WEBHOOKS_PLUGIN_ID } from './webhooks.constants';
import { WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { savedHostProblem } from './webhook-address';
import { WebhookSettings } from './webhook-settings';
import { displayUrl, sameHost, withSavedSecrets } from './webhook-url';
import { WebhooksRepository, type DeliveryRow, type EndpointRow } from './webhooks.repository';

export interface EndpointInput {
  url: string;
  events: string[];
  enabled: boolean;
}

const NOT_FOUND = 'This webhook endpoint does not exist.';

// What the audit log keeps of an endpoint: never its secret.
const auditDetails = (endpoint: WebhookEndpoint) => ({
  url: displayUrl(endpoint.url),
  events: [...endpoint.events],
  enabled: endpoint.enabled,
});

/** Endpoint use cases; each is one transaction with its audit entry. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly em: EntityManager,
    private readonly repo: WebhooksRepository,
    private readonly deliveries: WebhookDeliveries,
    private readonly secrets: PluginSecrets,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly settings: WebhookSettings,
  ) {}

  // The cursor ends up in the page's links: never the address (it may hold a password or a token).
  async list(request: PageRequest): Promise<Page<EndpointRow>> {
    return toPage(await this.repo.listEndpoints(this.em, request), request, (row) => [row.createdAt, row.id]);
  }

  async get(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.repo.findEndpoint(this.em, id);
    if (!endpoint) throw new NotFound(NOT_FOUND);
    return endpoint;
  }

  /**
   * The address to store, or InputRefused beside the url field: the masked
   * password and masked query values stand for the saved ones, and a host that is certainly refused
   * (an IP address or localhost; names are checked at delivery) is refused now.
   */
  private addressToSave(submitted: string, saved: string | null): string {
    const kept = withSavedSecrets(submitted, saved);
    // A host saved before the address rule existed may stay while other fields
    // change (its deliveries are refused anyway); a new or changed host is checked.
    const unmoved = saved !== null && 'url' in kept && sameHost(kept.url, saved);
    const problem = 'problem' in kept ? kept.problem : unmoved ? null : savedHostProblem(kept.url, this.settings);
    if (problem) throw new InputRefused({ url: problem });
    return (kept as { url: string }).url;
  }

  /** Returns the secret once: the caller shows it, and nothing shows it again. */
  async create(input: EndpointInput & { secret?: string }): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const url = this.addressToSave(input.url, null);
    const secret = input.secret || `whsec_${randomBytes(32).toString('base64url')}`;
    return this.em.transactional(async (em) => {
      const endpoint = new WebhookEndpoint({
        url,
        events: [...new Set(input.events)],
        enabled: input.enabled,
        secretSealed: this.secrets.seal(WEBHOOKS_PLUGIN_ID, secret),
        now: this.clock.now(),
      });
      em.persist(endpoint);
      await em.flush();
      await this.audit.record({
        action: 'webhook.endpoint_created',
        target: { type: 'webhook_endpoint', id: endpoint.id, label: displayUrl(endpoint.url) },
        organizationId: null,
        details: auditDetails(endpoint),
      });
      return { endpoint, secret };
    });
  }

  async update(id: string, input: EndpointInput): Promise<WebhookEndpoint> {
    return this.em.transactional(async (em) => {
      const endpoint = await this.get(id);
      endpoint.url = this.addressToSave(input.url, endpoint.url);
      endpoint.events = [...new Set(input.events)];
      endpoint.enabled = input.enabled;
      endpoint.updatedAt = this.clock.now();
      await em.flush();
      await this.audit.record({
        action: 'webhook.endpoint_updated',
        target: { type: 'webhook_endpoint', id: endpoint.id, label: displayUrl(endpoint.url) },
        organizationId: null,
        details: auditDetails(endpoint),
      });
      return endpoint;
    });
  }

  /** Its deliveries go with it. */
  async remove(id: string): Promise<WebhookEndpoint> {
    return this.em.transactional(async (em) => {
      const endpoint = await this.get(id);
      em.remove(endpoint);
      await em.flush();
      await this.audit.record({
        action: 'webhook.endpoint_deleted',
        target: { type: 'webhook_endpoint', id: endpoint.id, label: displayUrl(endpoint.url) },
        organizationId: null,
        details: auditDetails(endpoint),
      });
      return endpoint;
    });
  }

  async deliveryLog(endpointId: string, request: PageRequest): Promise<Page<DeliveryRow>> {
    return toPage(await this.repo.deliveries(this.em, endpointId, request), request, (row) => [row.seq]);
  }

  /**
   * Sends a delivery's event again as a new delivery (a new delivery id, the
   * same body and event id), now, with a fresh count of attempts.
   */
  async redeliver(endpointId: string, deliveryId: string): Promise<string> {
    const id = await this.em.transactional(async (em) => {
      const endpoint = await this.get(endpointId);
      const original = await this.repo.findDelivery(em, endpointId, deliveryId);
      if (!original) throw new NotFound('This delivery does not exist.');
      const copy = {
        id: randomUUID(),
        endpointId,
        eventId: original.eventId,
        event: original.event,
        body: original.body,
      };
      await this.repo.insertDeliveries(em, [{ ...copy, redeliveryOf: original.id }], +this.clock.now());
      await this.audit.record({
        action: 'webhook.redelivered',
        target: { type: 'webhook_endpoint', id: endpoint.id, label: displayUrl(endpoint.url) },
        organizationId: null,
        details: { event: original.event, deliveryId: copy.id, originalDeliveryId: original.id },
      });
      return copy.id;
    });
    this.deliveries.kick([id]);
    return id;
  }
}

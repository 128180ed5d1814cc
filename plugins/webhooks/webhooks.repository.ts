import type { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { keysetClause, placeholders, Sql, type PageRequest } from '../../src/platform/plugin-host/plugin-api';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface EndpointRow {
  id: string;
  url: string;
  events: string;
  enabled: number;
  createdAt: number;
  lastStatus: DeliveryStatus | null;
}

export interface DeliveryRow {
  seq: number;
  id: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  redeliveryOf: string | null;
}

export interface ClaimedDelivery {
  seq: number;
  id: string;
  endpointId: string;
  event: string;
  body: string;
  attempts: number;
}

export interface NewDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  event: string;
  body: string;
  redeliveryOf?: string | null;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  nextAttemptAt: number;
  responseStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}

const D = 'plg_webhooks_deliveries';
const E = 'plg_webhooks_endpoints';

// Queries only; every method takes the EntityManager to run on, because
// deliveries run in the background on their own fork, never a request's.
@Injectable()
export class WebhooksRepository {
  constructor(private readonly sql: Sql) {}

  /** One keyset page of endpoints, oldest first (index plg_webhooks_endpoints_created_id_index). */
  listEndpoints(em: EntityManager, request: PageRequest): Promise<EndpointRow[]> {
    const keyset = keysetClause(request, 'e.created_at', 'e.id');
    return this.sql.all<EndpointRow>(
      `select e.id, e.url, e.events, e.enabled, e.created_at as createdAt,
              (select d.status from ${D} d where d.endpoint_id = e.id order by d.seq desc limit 1) as lastStatus
         from ${E} e
        ${keyset.where ? `where ${keyset.where}` : ''}
        order by ${keyset.orderBy}
        limit ?`,
      [...keyset.params, request.limit + 1],
    );
  }

  findEndpoint(em: EntityManager, id: string): Promise<WebhookEndpoint | null> {
    return em.findOne(WebhookEndpoint, { id });
  }

  /** Enabled endpoints subscribed to `event`. */
  subscribers(em: EntityManager, event: string): Promise<{ id: string }[]> {
    return this.sql.all<{ id: string }>(
      `select id from ${E} where enabled = 1 and exists (select 1 from json_each(${E}.events) where value = ?)`,
      [event],
    );
  }

  /** url, sealed secret and state of the endpoints a batch of deliveries goes to. */
  targets(em: EntityManager, ids: string[]) {
    return this.sql.all<{ id: string; url: string; secretSealed: string; enabled: number }>(
      `select id, url, secret_sealed as secretSealed, enabled from ${E} where id in (${placeholders(ids.length)})`,
      ids,
    );
  }

  /** One statement: all rows or none. */
  async insertDeliveries(em: EntityManager, rows: NewDelivery[], now: number): Promise<void> {
    if (rows.length === 0) return;
    await this.sql.run(
      `insert into ${D} (id, endpoint_id, event_id, event, body, status, attempts, next_attempt_at, created_at, redelivery_of)
       values ${rows.map(() => `(?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`).join(', ')}`,
      rows.flatMap((row) => [
        row.id,
        row.endpointId,
        row.eventId,
        row.event,
        row.body,
        now,
        now,
        row.redeliveryOf ?? null,
      ]),
    );
  }

  /**
   * Claims due deliveries with one conditional UPDATE … RETURNING, so two
   * workers never send the same row. A claimed row is `sending` until
   * `leaseUntil`; if its worker dies, it is due again after that.
   */
  claim(em: EntityManager, now: number, leaseUntil: number, limit: number, ids?: string[]): Promise<ClaimedDelivery[]> {
    const only = ids ? `and id in (${placeholders(ids.length)})` : '';
    return this.sql.all<ClaimedDelivery>(
      `update ${D}
          set status = 'sending', attempts = attempts + 1, next_attempt_at = ?, last_attempt_at = ?
        where seq in (select seq from ${D}
                       where status in ('pending', 'sending') and next_attempt_at <= ? ${only}
                       order by next_attempt_at, seq
                       limit ?)
        returning seq, id, endpoint_id as endpointId, event, body, attempts`,
      [leaseUntil, now, now, ...(ids ?? []), limit],
    );
  }

  /** Records an attempt's outcome, unless another worker took the row over meanwhile. */
  async finish(em: EntityManager, seq: number, attempts: number, outcome: DeliveryOutcome): Promise<void> {
    await this.sql.run(
      `update ${D} set status = ?, next_attempt_at = ?, response_status = ?, last_error = ?, delivered_at = ?
        where seq = ? and status = 'sending' and attempts = ?`,
      [
        outcome.status,
        outcome.nextAttemptAt,
        outcome.responseStatus,
        outcome.lastError,
        outcome.deliveredAt,
        seq,
        attempts,
      ],
    );
  }

  /** One keyset page of an endpoint's deliveries, newest first. */
  deliveries(em: EntityManager, endpointId: string, request: PageRequest): Promise<DeliveryRow[]> {
    const cursor = request.after ?? request.before;
    const backwards = request.before !== null;
    return this.sql.all<DeliveryRow>(
      `select seq, id, event, status, attempts, next_attempt_at as nextAttemptAt, last_attempt_at as lastAttemptAt,
              response_status as responseStatus, last_error as lastError, created_at as createdAt,
              delivered_at as deliveredAt, redelivery_of as redeliveryOf
         from ${D}
        where endpoint_id = ? ${cursor ? `and seq ${backwards ? '>' : '<'} ?` : ''}
        order by seq ${backwards ? 'asc' : 'desc'}
        limit ?`,
      [endpointId, ...(cursor ? [cursor[0]] : []), request.limit + 1],
    );
  }

  findDelivery(em: EntityManager, endpointId: string, id: string) {
    return this.sql
      .all<{ id: string; eventId: string; event: string; body: string }>(
        `select id, event_id as eventId, event, body from ${D} where endpoint_id = ? and id = ?`,
        [endpointId, id],
      )
      .then((rows) => rows[0] ?? null);
  }
}

import type { Knex } from 'knex';
import { claimLeased, keysetPage, newId, type EventEnvelope, type PageRequest } from '@micropay/platform';
import { PENDING_AND_DUE } from './delivery-queue';
import type { AttemptOutcome, NewWebhookEndpoint, WebhookEndpointPatch, WebhookStore } from '../domain/ports';
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../domain/webhook-endpoint';

interface EndpointRow {
  id: string;
  owner_id: string;
  url: string;
  description: string | null;
  enabled_events: string[];
  status: WebhookEndpoint['status'];
  disabled_reason: WebhookEndpoint['disabledReason'];
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  created_at: Date;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: WebhookDelivery['status'];
  attempts: number;
  next_attempt_at: Date | null;
  created_at: Date;
}

interface AttemptRow {
  id: string;
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  next_attempt_at: Date | null;
}

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  ownerId: r.owner_id,
  url: r.url,
  description: r.description,
  enabledEvents: r.enabled_events,
  status: r.status,
  disabledReason: r.disabled_reason,
  secret: r.secret,
  previousSecret: r.previous_secret,
  previousSecretExpiresAt: r.previous_secret_expires_at,
  failingSince: r.failing_since,
  createdAt: r.created_at,
});

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  payload: r.payload,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
});

const toAttempt = (r: AttemptRow): WebhookAttempt => ({
  id: r.id,
  deliveryId: r.delivery_id,
  attemptedAt: r.attempted_at,
  statusCode: r.status_code,
  durationMs: r.duration_ms,
  error: r.error,
  nextAttemptAt: r.next_attempt_at,
});

/**
 * Queues a delivery of each event to each of its owner's enabled endpoints that want its type,
 * in the caller's (inbox) transaction, with one query for the endpoints and one insert; returns
 * how many were queued for each event, in order.
 */
export async function enqueueWebhookDeliveries(
  trx: Knex.Transaction,
  items: readonly { event: EventEnvelope; ownerId: string | undefined }[],
): Promise<number[]> {
  const owners = [...new Set(items.flatMap((i) => (i.ownerId ? [i.ownerId] : [])))];
  if (owners.length === 0) return items.map(() => 0);
  const endpoints: EndpointRow[] = await trx('webhook_endpoints')
    .whereIn('owner_id', owners)
    .where({ status: 'enabled' });
  const rows: Record<string, unknown>[] = [];
  const counts = items.map(({ event, ownerId }) => {
    const wanted = endpoints.filter(
      (e) => e.owner_id === ownerId && (e.enabled_events.includes('*') || e.enabled_events.includes(event.type)),
    );
    if (wanted.length === 0) return 0;
    const payload = JSON.stringify(event);
    for (const endpoint of wanted)
      rows.push({ id: newId('whd'), endpoint_id: endpoint.id, event_id: event.id, event_type: event.type, payload });
    return wanted.length;
  });
  if (rows.length > 0) await trx('webhook_deliveries').insert(rows).onConflict(['endpoint_id', 'event_id']).ignore();
  return counts;
}

export class WebhookRepository implements WebhookStore {
  constructor(private readonly knex: Knex) {}

  async createEndpoint(e: NewWebhookEndpoint) {
    const [row] = await this.knex('webhook_endpoints')
      .insert({
        id: e.id,
        owner_id: e.ownerId,
        url: e.url,
        description: e.description,
        enabled_events: JSON.stringify(e.enabledEvents),
        secret: e.secret,
      })
      .returning('*');
    return toEndpoint(row as EndpointRow);
  }

  async listEndpoints(ownerId: string, page: PageRequest) {
    const result = await keysetPage<EndpointRow>(this.knex('webhook_endpoints').where({ owner_id: ownerId }), page);
    return { data: result.data.map(toEndpoint), hasMore: result.hasMore };
  }

  async findEndpoint(ownerId: string, id: string) {
    const row = await this.knex<EndpointRow>('webhook_endpoints').where({ owner_id: ownerId, id }).first();
    return row && toEndpoint(row);
  }

  async updateEndpoint(ownerId: string, id: string, patch: WebhookEndpointPatch) {
    const changes: Record<string, unknown> = {};
    if (patch.url !== undefined) changes.url = patch.url;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.enabledEvents !== undefined) changes.enabled_events = JSON.stringify(patch.enabledEvents);
    if (patch.status !== undefined) {
      changes.status = patch.status;
      // Re-enabling starts afresh: no reason, no failing streak.
      if (patch.status === 'enabled') Object.assign(changes, { disabled_reason: null, failing_since: null });
    }
    if (Object.keys(changes).length === 0) return this.findEndpoint(ownerId, id);
    const [row] = await this.knex('webhook_endpoints').where({ owner_id: ownerId, id }).update(changes).returning('*');
    return row && toEndpoint(row as EndpointRow);
  }

  async deleteEndpoint(ownerId: string, id: string) {
    return (await this.knex('webhook_endpoints').where({ owner_id: ownerId, id }).delete()) > 0;
  }

  async rotateSecret(ownerId: string, id: string, secret: string, previousExpiresAt: Date) {
    const [row] = await this.knex('webhook_endpoints')
      .where({ owner_id: ownerId, id })
      .update({
        previous_secret: this.knex.ref('secret'),
        previous_secret_expires_at: previousExpiresAt,
        secret,
      })
      .returning('*');
    return row && toEndpoint(row as EndpointRow);
  }

  async claimDue(limit: number, leaseSeconds: number) {
    const claimed = await claimLeased<DeliveryRow>(this.knex, {
      table: 'webhook_deliveries',
      ...PENDING_AND_DUE,
      limit,
      leaseSeconds,
    });
    return this.withEndpoints(claimed);
  }

  async claimOne(ownerId: string, endpointId: string, deliveryId: string, leaseSeconds: number) {
    const rows: DeliveryRow[] = await this.knex('webhook_deliveries')
      .where({ id: deliveryId, endpoint_id: endpointId })
      .whereIn('endpoint_id', this.knex('webhook_endpoints').select('id').where({ owner_id: ownerId }))
      .update({ locked_until: this.knex.raw('now() + make_interval(secs => ?)', [leaseSeconds]) })
      .returning('*');
    const [claimed] = await this.withEndpoints(rows);
    return claimed;
  }

  private async withEndpoints(rows: DeliveryRow[]) {
    if (rows.length === 0) return [];
    const endpoints: EndpointRow[] = await this.knex('webhook_endpoints').whereIn(
      'id',
      rows.map((r) => r.endpoint_id),
    );
    const byId = new Map(endpoints.map((e) => [e.id, toEndpoint(e)]));
    return rows.map((r) => ({ delivery: toDelivery(r), endpoint: byId.get(r.endpoint_id)! }));
  }

  async recordAttempt(delivery: WebhookDelivery, endpoint: WebhookEndpoint, outcome: AttemptOutcome) {
    await this.knex.transaction(async (trx) => {
      await trx('webhook_attempts').insert({
        id: newId('wha'),
        delivery_id: delivery.id,
        attempted_at: outcome.attempt.attemptedAt,
        status_code: outcome.attempt.statusCode,
        duration_ms: Math.round(outcome.attempt.durationMs),
        error: outcome.attempt.error?.slice(0, 1000) ?? null,
        next_attempt_at: outcome.attempt.nextAttemptAt,
      });
      await trx('webhook_deliveries')
        .where({ id: delivery.id })
        .update({
          status: outcome.status,
          attempts: trx.raw('attempts + 1'),
          next_attempt_at: outcome.attempt.nextAttemptAt,
          locked_until: null,
        });
      const endpointChanges: Record<string, unknown> = {};
      if (outcome.failing === 'clear') endpointChanges.failing_since = null;
      if (outcome.failing === 'start') endpointChanges.failing_since = outcome.attempt.attemptedAt;
      if (outcome.disable) Object.assign(endpointChanges, { status: 'disabled', disabled_reason: outcome.disable });
      if (Object.keys(endpointChanges).length > 0)
        await trx('webhook_endpoints').where({ id: endpoint.id }).update(endpointChanges);
    });
  }

  async listDeliveries(ownerId: string, endpointId: string, page: PageRequest) {
    const result = await keysetPage<DeliveryRow>(
      this.knex('webhook_deliveries')
        .where({ endpoint_id: endpointId })
        .whereIn('endpoint_id', this.knex('webhook_endpoints').select('id').where({ owner_id: ownerId })),
      page,
    );
    const attempts: AttemptRow[] = result.data.length
      ? await this.knex('webhook_attempts')
          .whereIn(
            'delivery_id',
            result.data.map((d) => d.id),
          )
          .orderBy('id', 'asc')
      : [];
    return {
      data: result.data.map((d) => ({
        ...toDelivery(d),
        attemptLog: attempts.filter((a) => a.delivery_id === d.id).map(toAttempt),
      })),
      hasMore: result.hasMore,
    };
  }

  async findDelivery(ownerId: string, endpointId: string, deliveryId: string) {
    const row = await this.knex<DeliveryRow>('webhook_deliveries')
      .where({ id: deliveryId, endpoint_id: endpointId })
      .whereIn('endpoint_id', this.knex('webhook_endpoints').select('id').where({ owner_id: ownerId }))
      .first();
    if (!row) return undefined;
    const attempts: AttemptRow[] = await this.knex('webhook_attempts').where({ delivery_id: row.id }).orderBy('id');
    return { ...toDelivery(row), attemptLog: attempts.map(toAttempt) };
  }
}

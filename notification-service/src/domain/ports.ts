import type { EventEnvelope, PageRequest, PageResult } from '@micropay/platform';
import type { Channel, Notification } from './notification';
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook-endpoint';

/** What the domain needs from outside: storage (data/), senders (adapters/) and an observer for metrics (metrics.ts). */
export type NewNotification = Omit<Notification, 'createdAt' | 'readAt'>;

export interface NotificationStore {
  /**
   * Records the event in the inbox, stores its notifications and queues a webhook delivery to
   * each of `webhookOwner`'s enabled endpoints that want the event, in one transaction; returns
   * `fresh: false` (storing nothing) when the event was already recorded.
   */
  recordEvent(
    event: EventEnvelope,
    notifications: NewNotification[],
    webhookOwner: string | undefined,
  ): Promise<{ fresh: boolean; webhooks: number }>;
  listForUser(userId: string, page: PageRequest): Promise<PageResult<Notification>>;
}

export type NewWebhookEndpoint = Pick<
  WebhookEndpoint,
  'id' | 'ownerId' | 'url' | 'description' | 'enabledEvents' | 'secret'
>;

export type WebhookEndpointPatch = Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'enabledEvents' | 'status'>>;

/** How an attempt ends for its delivery and its endpoint. */
export interface AttemptOutcome {
  attempt: Omit<WebhookAttempt, 'id' | 'deliveryId'>;
  status: WebhookDelivery['status'];
  /** `clear`: a success ends the failing streak; `start`: the first failure after one begins it. */
  failing: 'clear' | 'start' | 'keep';
  disable?: 'gone' | 'failing';
}

export interface WebhookStore {
  createEndpoint(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  listEndpoints(ownerId: string, page: PageRequest): Promise<PageResult<WebhookEndpoint>>;
  findEndpoint(ownerId: string, id: string): Promise<WebhookEndpoint | undefined>;
  updateEndpoint(ownerId: string, id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint | undefined>;
  deleteEndpoint(ownerId: string, id: string): Promise<boolean>;
  rotateSecret(
    ownerId: string,
    id: string,
    secret: string,
    previousExpiresAt: Date,
  ): Promise<WebhookEndpoint | undefined>;
  /** Leases up to `limit` due pending deliveries (other replicas skip them until the lease ends). */
  claimDue(limit: number, leaseSeconds: number): Promise<{ delivery: WebhookDelivery; endpoint: WebhookEndpoint }[]>;
  /** Leases one delivery of the owner's endpoint now, whatever its status (a manual retry). */
  claimOne(
    ownerId: string,
    endpointId: string,
    deliveryId: string,
    leaseSeconds: number,
  ): Promise<{ delivery: WebhookDelivery; endpoint: WebhookEndpoint } | undefined>;
  recordAttempt(delivery: WebhookDelivery, endpoint: WebhookEndpoint, outcome: AttemptOutcome): Promise<void>;
  listDeliveries(
    ownerId: string,
    endpointId: string,
    page: PageRequest,
  ): Promise<PageResult<WebhookDelivery & { attemptLog: WebhookAttempt[] }>>;
  findDelivery(
    ownerId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<(WebhookDelivery & { attemptLog: WebhookAttempt[] }) | undefined>;
}

export interface WebhookResponse {
  statusCode: number;
  retryAfter?: string;
  durationMs: number;
}

/** Raised by a sender when no HTTP response came back (refused address, DNS, connection, timeout). */
export class WebhookSendError extends Error {
  constructor(
    message: string,
    readonly durationMs: number,
  ) {
    super(message);
  }
}

export interface WebhookSender {
  /** POSTs `body` with `headers`; resolves with any HTTP response, rejects with WebhookSendError otherwise. */
  send(url: string, headers: Record<string, string>, body: string): Promise<WebhookResponse>;
}

/**
 * What happened to one notification: `delivered` (stored for the person, or accepted by the
 * receiver), `duplicate` (a redelivered event, nothing stored again), `retrying` (a webhook
 * attempt failed and another is scheduled) or `failed` (given up, or not stored and retried by
 * the producer).
 */
export type DeliveryOutcome = 'delivered' | 'duplicate' | 'retrying' | 'failed';

/** Why an event could not be processed: its data did not fit the rules, or storing failed. */
export type FailureReason = 'invalid_data' | 'store_error';

/** Told about every delivery and failure; dependencies.ts wires it to the Prometheus counters. */
export interface DeliveryObserver {
  deliveries(channel: Channel, outcome: DeliveryOutcome, count: number): void;
  eventFailed(type: string, reason: FailureReason): void;
}

import type { EventEnvelope, PageRequest, PageResult } from '@micropay/platform';
import type { ChannelDelivery, Device, EmailMessage, PushMessage } from './channel-delivery';
import type { Channel, Notification } from './notification';
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook-endpoint';

/** What the domain needs from outside: storage (data/), senders (adapters/) and an observer for metrics (metrics.ts). */
export type NewNotification = Omit<Notification, 'createdAt' | 'readAt'>;

/** An event with everything it produces, ready to be recorded. */
export interface EventRecord {
  event: EventEnvelope;
  notifications: NewNotification[];
  /** Whose webhook endpoints receive the event (none when the event names no owner). */
  webhookOwner: string | undefined;
  sends: ChannelSends;
}

export interface RecordedEvent {
  /** False when the event was already in the inbox (and nothing was stored for it again). */
  fresh: boolean;
  webhooks: number;
  channelDeliveries: number;
}

export interface NotificationStore {
  /**
   * Records the events in the inbox, stores their notifications, queues a webhook delivery to
   * each of the owner's enabled endpoints that want an event and queues its email and pushes
   * (one per enabled device), all in one transaction: every event is recorded, or none is.
   * The events have distinct ids; the answer has one entry per event, in order.
   */
  recordEvents(records: readonly EventRecord[]): Promise<RecordedEvent[]>;
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
 * receiver, sent by SES or SNS), `duplicate` (a redelivered event, nothing stored again),
 * `retrying` (an attempt failed and another is scheduled), `failed` (given up, or not stored and
 * retried by the producer) or `suppressed` (an email not sent: the address bounced or complained).
 */
export type DeliveryOutcome = 'delivered' | 'duplicate' | 'retrying' | 'failed' | 'suppressed';

/** Why an event could not be processed: its data did not fit the rules, or storing failed. */
export type FailureReason = 'invalid_data' | 'store_error';

/** Told about every delivery and failure; dependencies.ts wires it to the Prometheus counters. */
export interface DeliveryObserver {
  deliveries(channel: Channel, outcome: DeliveryOutcome, count: number): void;
  eventFailed(type: string, reason: FailureReason): void;
}

/** An email ready to hand to the mail transport; `id` names the delivery (the local .eml file, SES tags). */
export interface OutgoingEmail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface EmailSender {
  /** Sends one email; rejects with PermanentSendError when retrying cannot help. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** The provider refused for good (a rejected message, an invalid token): the delivery is not retried. */
export class PermanentSendError extends Error {}

/** SNS says the platform endpoint is disabled (the app was uninstalled, the token expired). */
export class EndpointDisabledError extends PermanentSendError {}

export interface PushSender {
  /** The platform endpoint for a device token (SNS CreatePlatformEndpoint), or null when pushes stay local. */
  register(platform: Device['platform'], token: string): Promise<string | null>;
  /** Sends one push to a device; EndpointDisabledError when SNS reports the endpoint disabled. */
  publish(device: Device, message: PushMessage): Promise<{ messageId: string }>;
}

/** Where users' email addresses come from (auth-service, docs/adr/0008-email-and-push-channels.md). */
export interface UserDirectory {
  /** The user's email, or undefined when there is no such user; rejects when the directory is unavailable. */
  emailOf(userId: string): Promise<string | undefined>;
}

/** How one email or push attempt ends for its delivery. */
export type ChannelOutcome =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'pending'; error: string; nextAttemptAt: Date }
  | { status: 'failed'; error: string; disableDevice?: boolean }
  | { status: 'suppressed'; error: string };

/** What an event sends beyond in-app notifications and webhooks. */
export interface ChannelSends {
  email?: { userId: string; message: EmailMessage };
  /** Fanned out to each of the user's enabled devices when the event is recorded. */
  push?: { userId: string; message: PushMessage };
}

export interface ChannelStore {
  /** Leases up to `limit` due pending email and push deliveries. */
  claimDue(limit: number, leaseSeconds: number): Promise<ChannelDelivery[]>;
  findDevice(id: string): Promise<Device | undefined>;
  isSuppressed(email: string): Promise<boolean>;
  /**
   * Writes the attempt's outcome with the lease cleared; a send also stores the email or push
   * notification the person sees in GET /v1/notifications, in the same transaction.
   */
  recordOutcome(delivery: ChannelDelivery, outcome: ChannelOutcome, sent?: NewNotification): Promise<void>;
}

export interface DeviceStore {
  /** Registers the token for the user; an existing row of the same platform and token is returned (and moved to this user). */
  upsertDevice(
    device: Omit<Device, 'createdAt' | 'status' | 'disabledReason'>,
  ): Promise<{ device: Device; created: boolean }>;
  findByToken(platform: Device['platform'], token: string): Promise<Device | undefined>;
  listDevices(userId: string, page: PageRequest): Promise<PageResult<Device>>;
  deleteDevice(userId: string, id: string): Promise<boolean>;
}

export interface SuppressionStore {
  /** Idempotent: an address already suppressed keeps its first reason. */
  suppress(emails: string[], reason: 'bounce' | 'complaint', detail: string | null): Promise<number>;
}

import { newId, type PageRequest } from '@micropay/platform';
import { notificationErrors } from './errors';
import type { WebhookEndpointPatch, WebhookStore } from './ports';
import { newWebhookSecret } from './webhook-signing';

/** The default overlap after a rotation, during which deliveries carry both signatures. */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 3600;

/** A user's webhook endpoints: every call is scoped to its owner, so another user's id answers 404. */
export class WebhookEndpoints {
  constructor(private readonly store: WebhookStore) {}

  create(ownerId: string, input: { url: string; enabledEvents: string[]; description?: string }) {
    return this.store.createEndpoint({
      id: newId('we'),
      ownerId,
      url: input.url,
      enabledEvents: input.enabledEvents,
      description: input.description ?? null,
      secret: newWebhookSecret(),
    });
  }

  list(ownerId: string, page: PageRequest) {
    return this.store.listEndpoints(ownerId, page);
  }

  async get(ownerId: string, id: string) {
    return found(await this.store.findEndpoint(ownerId, id));
  }

  async update(ownerId: string, id: string, patch: WebhookEndpointPatch) {
    return found(await this.store.updateEndpoint(ownerId, id, patch));
  }

  async remove(ownerId: string, id: string) {
    if (!(await this.store.deleteEndpoint(ownerId, id))) throw notificationErrors.webhook_endpoint_not_found.create();
  }

  async rotateSecret(ownerId: string, id: string, overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS) {
    const expiresAt = new Date(Date.now() + overlapSeconds * 1000);
    return found(await this.store.rotateSecret(ownerId, id, newWebhookSecret(), expiresAt));
  }

  async deliveries(ownerId: string, id: string, page: PageRequest) {
    await this.get(ownerId, id);
    return this.store.listDeliveries(ownerId, id, page);
  }
}

function found<T>(endpoint: T | undefined): T {
  if (!endpoint) throw notificationErrors.webhook_endpoint_not_found.create();
  return endpoint;
}

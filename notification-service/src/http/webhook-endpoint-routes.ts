import { auth, defineRoute, listBody, pageRequest } from '@micropay/platform';
import { notificationErrors } from '../domain/errors';
import { presentWebhookDelivery, presentWebhookEndpoint, presentWebhookEndpointWithSecret } from '../domain/presenters';
import type { WebhookDispatcher } from '../domain/webhook-dispatcher';
import type { WebhookEndpoints } from '../domain/webhook-endpoints';
import {
  CreateWebhookEndpointBody,
  RotateSecretBody,
  UpdateWebhookEndpointBody,
  WebhookDeliveryListQuery,
  WebhookDeliveryListSchema,
  WebhookDeliveryParams,
  WebhookDeliverySchema,
  WebhookEndpointIdParams,
  WebhookEndpointListQuery,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
} from './schemas';

const notFound = [notificationErrors.webhook_endpoint_not_found];

/** Merchant webhook endpoints (Standard Webhooks v1): CRUD, secret rotation, delivery log and resend. */
export function webhookEndpointRoutes(endpoints: WebhookEndpoints, dispatcher: WebhookDispatcher) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/webhook-endpoints',
      operationId: 'createWebhookEndpoint',
      summary: 'Register a webhook endpoint',
      description:
        'Events about your resources are POSTed to `url`, signed per Standard Webhooks with the `secret`, which only this answer (and a rotation) shows.',
      tags: ['webhooks'],
      auth: auth.user(),
      request: { body: CreateWebhookEndpointBody },
      responses: { 201: { description: 'The endpoint and its secret.', schema: WebhookEndpointWithSecretSchema } },
      async handler({ body, caller }) {
        const endpoint = await endpoints.create(caller.sub, {
          url: body.url,
          enabledEvents: body.enabled_events,
          description: body.description,
        });
        return { status: 201, body: presentWebhookEndpointWithSecret(endpoint) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/webhook-endpoints',
      operationId: 'listWebhookEndpoints',
      summary: 'List your webhook endpoints, newest first',
      tags: ['webhooks'],
      auth: auth.user(),
      request: { query: WebhookEndpointListQuery },
      responses: { 200: { description: 'A page of endpoints.', schema: WebhookEndpointListSchema } },
      async handler({ query, caller }) {
        return {
          status: 200,
          body: listBody(await endpoints.list(caller.sub, pageRequest(query)), presentWebhookEndpoint),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/webhook-endpoints/:id',
      operationId: 'getWebhookEndpoint',
      summary: 'Get a webhook endpoint',
      tags: ['webhooks'],
      auth: auth.user(),
      request: { params: WebhookEndpointIdParams },
      responses: { 200: { description: 'The endpoint.', schema: WebhookEndpointSchema } },
      errors: notFound,
      async handler({ params, caller }) {
        return { status: 200, body: presentWebhookEndpoint(await endpoints.get(caller.sub, params.id)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/webhook-endpoints/:id',
      operationId: 'updateWebhookEndpoint',
      summary: 'Change a webhook endpoint (url, events, description, or enable/disable it)',
      description:
        'Enabling a disabled endpoint clears its failure streak; deliveries given up while it was disabled can be resent.',
      tags: ['webhooks'],
      auth: auth.user(),
      request: { params: WebhookEndpointIdParams, body: UpdateWebhookEndpointBody },
      responses: { 200: { description: 'The endpoint.', schema: WebhookEndpointSchema } },
      errors: notFound,
      async handler({ params, body, caller }) {
        const endpoint = await endpoints.update(caller.sub, params.id, {
          url: body.url,
          enabledEvents: body.enabled_events,
          description: body.description,
          status: body.status,
        });
        return { status: 200, body: presentWebhookEndpoint(endpoint) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/webhook-endpoints/:id',
      operationId: 'deleteWebhookEndpoint',
      summary: 'Delete a webhook endpoint and its delivery log',
      tags: ['webhooks'],
      auth: auth.user(),
      request: { params: WebhookEndpointIdParams },
      responses: { 204: { description: 'Deleted.' } },
      errors: notFound,
      async handler({ params, caller }) {
        await endpoints.remove(caller.sub, params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/webhook-endpoints/:id/rotate-secret',
      operationId: 'rotateWebhookSecret',
      summary: 'Replace the signing secret',
      description:
        'The old secret keeps signing for `expires_in_seconds` (default 24 h): each delivery carries both signatures, space-separated, so receivers can switch without losing events.',
      tags: ['webhooks'],
      auth: auth.user(),
      request: { params: WebhookEndpointIdParams, body: RotateSecretBody },
      responses: { 200: { description: 'The endpoint with its new secret.', schema: WebhookEndpointWithSecretSchema } },
      errors: notFound,
      async handler({ params, body, caller }) {
        const endpoint = await endpoints.rotateSecret(caller.sub, params.id, body.expires_in_seconds);
        return { status: 200, body: presentWebhookEndpointWithSecret(endpoint) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/webhook-endpoints/:id/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: "An endpoint's deliveries, newest first, each with its attempts",
      tags: ['webhooks'],
      auth: auth.user(),
      request: { params: WebhookEndpointIdParams, query: WebhookDeliveryListQuery },
      responses: { 200: { description: 'A page of deliveries.', schema: WebhookDeliveryListSchema } },
      errors: notFound,
      async handler({ params, query, caller }) {
        const page = await endpoints.deliveries(caller.sub, params.id, pageRequest(query));
        return { status: 200, body: listBody(page, presentWebhookDelivery) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/webhook-endpoints/:id/deliveries/:delivery_id/retry',
      operationId: 'retryWebhookDelivery',
      summary: 'Resend a delivery now',
      description: 'One attempt, made before answering, with the same webhook-id; the answer shows its result.',
      tags: ['webhooks'],
      auth: auth.user(),
      request: { params: WebhookDeliveryParams },
      responses: { 200: { description: 'The delivery after the attempt.', schema: WebhookDeliverySchema } },
      errors: [
        ...notFound,
        notificationErrors.webhook_delivery_not_found,
        notificationErrors.webhook_endpoint_disabled,
      ],
      async handler({ params, caller }) {
        const endpoint = await endpoints.get(caller.sub, params.id);
        if (endpoint.status === 'disabled') throw notificationErrors.webhook_endpoint_disabled.create();
        const delivery = await dispatcher.retryNow(caller.sub, params.id, params.delivery_id);
        if (!delivery) throw notificationErrors.webhook_delivery_not_found.create(undefined, { param: 'delivery_id' });
        return { status: 200, body: presentWebhookDelivery(delivery) };
      },
    }),
  ];
}

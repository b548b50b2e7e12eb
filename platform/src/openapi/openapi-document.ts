import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { commonErrors, type ErrorSpec } from '../errors/app-error';
import type { AnyRoute } from '../http/route';
import { errorResponseSchema } from '../http/schemas';
import { EventEnvelopeSchema as eventEnvelopeSchema } from '../events/event-envelope';

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  /**
   * The events the service publishes, by type, with the schema of their `data`: documented in
   * the OpenAPI 3.1 `webhooks` section, as what consumers and merchant endpoints receive.
   */
  events?: Record<string, z.ZodType>;
}

/** The error codes a route can produce: its own plus those the platform adds around it. */
export function routeErrors(route: AnyRoute): ErrorSpec[] {
  const codes: ErrorSpec[] = [...(route.errors ?? [])];
  const c = commonErrors;
  if (route.request?.body || route.request?.query || route.request?.params) {
    codes.push(c.parameter_missing, c.parameter_invalid, c.parameter_unknown);
  }
  if (route.request?.body) codes.push(c.invalid_json, c.payload_too_large, c.unsupported_media_type);
  if (!route.auth.public) codes.push(c.authentication_required, c.invalid_token, c.forbidden);
  if (route.auth.clientScopes?.length) codes.push(c.insufficient_scope);
  if (route.idempotency) codes.push(c.idempotency_key_missing, c.idempotency_key_reused, c.idempotency_key_in_use);
  codes.push(c.headers_too_large, c.internal_error, c.service_unavailable, c.upstream_unavailable);
  return [...new Map(codes.map((spec) => [spec.code, spec])).values()];
}

/**
 * Builds the service's OpenAPI 3.1 document from its route specs: the same zod schemas that
 * validate requests describe them, and every error code a route can return is listed.
 */
export function buildOpenApiDocument(info: OpenApiInfo, routes: AnyRoute[]): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

  for (const route of routes) {
    const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status] = spec.schema
        ? { description: spec.description, content: { 'application/json': { schema: spec.schema } } }
        : { description: spec.description };
    }
    const byStatus = new Map<number, ErrorSpec[]>();
    for (const spec of routeErrors(route)) byStatus.set(spec.status, [...(byStatus.get(spec.status) ?? []), spec]);
    for (const [status, specs] of byStatus) {
      responses[String(status)] = {
        description: specs.map((s) => `\`${s.code}\`: ${s.description}`).join('\n\n'),
        content: {
          'application/json': {
            schema: errorResponseSchema.extend({
              error: errorResponseSchema.shape.error.extend({
                code: z.enum(specs.map((s) => s.code) as [string, ...string[]]),
              }),
            }),
          },
        },
      };
    }

    const headers = route.idempotency
      ? z.object({
          'Idempotency-Key':
            route.idempotency === 'required'
              ? z.string().max(255).meta({ description: 'Unique per operation; retries reuse it. Kept 24 h.' })
              : z.string().max(255).optional(),
        })
      : undefined;

    registry.registerPath({
      method: route.method,
      path: route.path.replace(/:([A-Za-z_]+)/g, '{$1}'),
      operationId: route.operationId,
      summary: route.summary,
      description: route.description,
      tags: route.internal ? [...route.tags, 'internal'] : route.tags,
      security: route.auth.public ? [] : [{ bearer: route.auth.clientScopes ?? [] }],
      request: {
        ...(route.request?.params ? { params: asObject(route.request.params) } : {}),
        ...(route.request?.query ? { query: asObject(route.request.query) } : {}),
        ...(headers ? { headers } : {}),
        ...(route.request?.body
          ? {
              body: {
                // A schema that accepts no body at all (`.optional()`) documents an optional body.
                required: !route.request.body.safeParse(undefined).success,
                content: {
                  [route.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json']: {
                    schema: route.request.body,
                  },
                },
              },
            }
          : {}),
      },
      responses,
    });
  }

  for (const [type, data] of Object.entries(info.events ?? {})) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `event.${type}`,
      summary: `The ${type} event`,
      description:
        'Sent to consumers (POST /internal/events, or SQS) and to webhook endpoints (Standard Webhooks v1). The envelope is docs/contract.md §6.',
      tags: ['events'],
      request: {
        body: {
          content: {
            'application/json': {
              schema: eventEnvelopeSchema.extend({ type: z.literal(type), data }),
            },
          },
        },
      },
      responses: { 200: { description: 'Any 2xx acknowledges the event.' } },
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    servers: [{ url: '/' }],
  }) as unknown as Record<string, unknown>;
}

/** Query and path schemas may be refined objects; the generator wants the object underneath. */
function asObject(schema: z.ZodType): z.ZodObject {
  let current: z.ZodType = schema;
  while (!(current instanceof z.ZodObject)) {
    const inner = (current as unknown as { def: { in?: z.ZodType; innerType?: z.ZodType; schema?: z.ZodType } }).def;
    const next = inner.in ?? inner.innerType ?? inner.schema;
    if (!next) throw new Error('request params and query must be zod objects');
    current = next;
  }
  return current;
}

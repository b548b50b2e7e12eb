import { z } from 'zod';
import { baseConfig, env, serviceEnv } from '@micropay/platform';

const OAuthClient = z.strictObject({
  client_id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'client_id: lowercase letters, digits and dashes'),
  client_secret: z.string().min(32, 'client_secret: at least 32 characters'),
  scopes: z.array(z.string().regex(/^[a-z]+:[a-z]+$/, 'scopes look like "ledger:write"')),
});

const oauthClients = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {client_id, client_secret, scopes}' });
      return z.NEVER;
    }
  })
  .pipe(z.array(OAuthClient));

export const configSchema = z
  .object({
    ...serviceEnv({ port: 8081 }),
    AUTH_ISSUER: env.url().default('http://127.0.0.1:8080'),
    /** The app client id stamped into user tokens (Cognito: the user pool app client). */
    AUTH_APP_CLIENT_ID: z.string().min(1).default('micropay-local'),
    ACCESS_TOKEN_TTL_SECONDS: env.int(900, 60),
    REFRESH_TOKEN_TTL_SECONDS: env.int(30 * 24 * 3600, 300),
    CLIENT_TOKEN_TTL_SECONDS: env.int(3600, 60),
    /** Service clients allowed to use the client-credentials grant (from a Secret in Kubernetes). */
    OAUTH_CLIENTS: oauthClients.default([]),
  })
  .transform((e) => ({
    ...baseConfig(e, 'auth-service', 'auth'),
    issuer: e.AUTH_ISSUER.replace(/\/+$/, ''),
    appClientId: e.AUTH_APP_CLIENT_ID,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    clientTokenTtlSeconds: e.CLIENT_TOKEN_TTL_SECONDS,
    oauthClients: e.OAUTH_CLIENTS.map((c) => ({ clientId: c.client_id, clientSecret: c.client_secret, scopes: c.scopes })),
  }));

export type Config = z.output<typeof configSchema>;

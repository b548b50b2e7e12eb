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

const DAY = 24 * 3600;

export const configSchema = z
  .object({
    ...serviceEnv('auth-service'),
    /** Who holds the identities: auth-service itself (`local`) or an AWS Cognito user pool. */
    AUTH_PROVIDER: z.enum(['local', 'cognito']).default('local'),
    AUTH_ISSUER: env.url().default('http://127.0.0.1:8080'),
    /** The app client id stamped into user tokens (Cognito: the user pool app client). */
    AUTH_APP_CLIENT_ID: z.string().min(1).default('micropay-local'),
    ACCESS_TOKEN_TTL_SECONDS: env.int(900, 60),
    /** A login session's fixed lifetime: refresh tokens rotate within it, never beyond. */
    REFRESH_TOKEN_TTL_SECONDS: env.int(30 * DAY, 300),
    CLIENT_TOKEN_TTL_SECONDS: env.int(3600, 60),
    /** A signing key signs for this long before a new one takes over; 0 turns rotation off. */
    SIGNING_KEY_ROTATION_SECONDS: env.int(30 * DAY, 0),
    /** Service clients allowed to use the client-credentials grant (from a Secret in Kubernetes). */
    OAUTH_CLIENTS: oauthClients.default([]),
    LOGIN_MAX_FAILURES: env.int(5, 1),
    LOGIN_LOCKOUT_SECONDS: env.int(30, 1),
    LOGIN_LOCKOUT_MAX_SECONDS: env.int(900, 1),
    /** Requests per client IP per window on /v1/auth/* (per replica). */
    AUTH_RATE_LIMIT_MAX: env.int(100, 1),
    AUTH_RATE_LIMIT_WINDOW_SECONDS: env.int(60, 1),
    /**
     * How long a logout stays on the revocation list (ADR 0009): the longest access token it must
     * refuse. Unset: the access-token lifetime locally, a day (Cognito's longest) in Cognito mode.
     */
    AUTH_REVOCATION_RETENTION_SECONDS: z.coerce.number().int().min(60).optional(),
    /** How often ended sessions (with their refresh tokens) and stale failed-login counts are deleted; 0 turns it off. */
    AUTH_CLEANUP_INTERVAL_SECONDS: env.int(3600, 0),
    COGNITO_REGION: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1')
      .optional(),
    COGNITO_USER_POOL_ID: z
      .string()
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a user pool id such as eu-west-1_AbC123')
      .optional(),
    COGNITO_CLIENT_ID: z.string().min(1).optional(),
    COGNITO_CLIENT_SECRET: z.string().min(1).optional(),
    /** Confirm sign-ups at once with AdminConfirmSignUp instead of a code sent by email. */
    COGNITO_AUTO_CONFIRM: env.bool(false),
    /** Another Cognito API endpoint (an emulator in tests); unset: AWS's regional endpoint. */
    COGNITO_ENDPOINT: env.url().optional(),
    /** The token issuer; unset: https://cognito-idp.<region>.amazonaws.com/<pool id>. */
    COGNITO_ISSUER: env.url().optional(),
  })
  .superRefine(
    (e, ctx) => {
      if (e.AUTH_PROVIDER !== 'cognito') return;
      for (const key of ['COGNITO_REGION', 'COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID'] as const) {
        if (!e[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when AUTH_PROVIDER=cognito' });
      }
    },
    // Also when another key is bad, so one run lists every problem, not the first batch.
    { when: () => true },
  )
  .transform((e) => ({
    ...baseConfig(e, 'auth-service'),
    provider: e.AUTH_PROVIDER,
    issuer: e.AUTH_ISSUER.replace(/\/+$/, ''),
    appClientId: e.AUTH_APP_CLIENT_ID,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    clientTokenTtlSeconds: e.CLIENT_TOKEN_TTL_SECONDS,
    signingKeyRotationSeconds: e.SIGNING_KEY_ROTATION_SECONDS,
    oauthClients: e.OAUTH_CLIENTS.map((c) => ({
      clientId: c.client_id,
      clientSecret: c.client_secret,
      scopes: c.scopes,
    })),
    lockout: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      baseLockSeconds: e.LOGIN_LOCKOUT_SECONDS,
      maxLockSeconds: e.LOGIN_LOCKOUT_MAX_SECONDS,
    },
    rateLimit: { max: e.AUTH_RATE_LIMIT_MAX, windowSeconds: e.AUTH_RATE_LIMIT_WINDOW_SECONDS },
    cleanupIntervalSeconds: e.AUTH_CLEANUP_INTERVAL_SECONDS,
    // Plus a minute for the verifiers' clock tolerance.
    revocationRetentionSeconds:
      (e.AUTH_REVOCATION_RETENTION_SECONDS ?? (e.AUTH_PROVIDER === 'cognito' ? DAY : e.ACCESS_TOKEN_TTL_SECONDS)) + 60,
    cognito:
      e.AUTH_PROVIDER === 'cognito'
        ? {
            region: e.COGNITO_REGION as string,
            userPoolId: e.COGNITO_USER_POOL_ID as string,
            clientId: e.COGNITO_CLIENT_ID as string,
            clientSecret: e.COGNITO_CLIENT_SECRET,
            autoConfirm: e.COGNITO_AUTO_CONFIRM,
            endpoint: e.COGNITO_ENDPOINT,
            issuer: (
              e.COGNITO_ISSUER ?? `https://cognito-idp.${e.COGNITO_REGION}.amazonaws.com/${e.COGNITO_USER_POOL_ID}`
            ).replace(/\/+$/, ''),
          }
        : undefined,
  }));

export type Config = z.output<typeof configSchema>;

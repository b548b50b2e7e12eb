import { startTestApp, type TestApp } from '@micropay/platform/testing';
import type { Resolver } from '../../src/adapters/address-guard';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config';
import { migrations } from '../../src/data/migrations';
import { createDependencies, type Dependencies } from '../../src/dependencies';

export type NotificationTestApp = TestApp<Dependencies>;

/**
 * notification-service on a test database, trusting a test issuer's real RS256 tokens; its
 * client token (for auth-service lookups) is minted by the same issuer, with users:read.
 */
export function startNotificationTestApp(
  options: { env?: Record<string, string>; resolver?: Resolver } = {},
): Promise<NotificationTestApp> {
  return startTestApp({
    service: 'notification-service',
    configSchema,
    migrations,
    env: options.env,
    createDependencies: (infra, issuer) =>
      createDependencies(infra, {
        verifier: issuer!.verifier(),
        resolver: options.resolver,
        tokens: {
          getToken: () => issuer!.clientToken('notification-service', ['events:publish', 'users:read']),
          invalidate: () => undefined,
        },
      }),
    createApp,
    onClose: async (deps) => {
      await deps.webhookJob.stop();
      await deps.channelJob.stop();
      deps.authPeer.shutdown();
    },
  });
}

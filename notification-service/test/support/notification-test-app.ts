import { startTestApp, type TestApp } from '@micropay/platform/testing';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config';
import { migrations } from '../../src/data/migrations';
import { createDependencies, type Dependencies } from '../../src/dependencies';

export type NotificationTestApp = TestApp<Dependencies>;

/** notification-service on a test database, trusting a test issuer's real RS256 tokens. */
export function startNotificationTestApp(): Promise<NotificationTestApp> {
  return startTestApp({
    service: 'notification-service',
    configSchema,
    migrations,
    createDependencies: (infra, issuer) => createDependencies(infra, { verifier: issuer!.verifier() }),
    createApp,
  });
}

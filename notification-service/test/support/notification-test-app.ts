import { Lifecycle, loadConfig, Metrics, type Database } from '@micropay/platform';
import { listen, openTestDatabase, TestIssuer, testLogger, type Listening } from '@micropay/platform/testing';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config';
import { migrations } from '../../src/data/migrations';
import { createDependencies } from '../../src/dependencies';

export interface NotificationTestApp {
  url: string;
  db: Database;
  issuer: TestIssuer;
  server: Listening;
  close(): Promise<void>;
}

export async function startNotificationTestApp(): Promise<NotificationTestApp> {
  const issuer = await TestIssuer.start();
  const db = await openTestDatabase('notifications', migrations);
  const deps = createDependencies(
    {
      config: loadConfig(configSchema, {}),
      db,
      logger: testLogger('notification-service'),
      metrics: new Metrics('notification-service', { defaultMetrics: false }),
      lifecycle: new Lifecycle(),
    },
    { verifier: issuer.verifier() },
  );
  const server = await listen(createApp(deps));
  return {
    url: server.url,
    db,
    issuer,
    server,
    async close() {
      await server.close();
      await issuer.close();
      await db.close();
    },
  };
}

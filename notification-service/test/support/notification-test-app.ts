import { loadConfig, type Database } from '@micropay/platform';
import { listen, type Listening, openTestDatabase, testInfrastructure, TestIssuer } from '@micropay/platform/testing';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config';
import { migrations } from '../../src/data/migrations';
import { createDependencies, type Dependencies } from '../../src/dependencies';

export interface NotificationTestApp {
  url: string;
  db: Database;
  deps: Dependencies;
  issuer: TestIssuer;
  server: Listening;
  close(): Promise<void>;
}

export async function startNotificationTestApp(): Promise<NotificationTestApp> {
  const issuer = await TestIssuer.start();
  const db = await openTestDatabase('notifications', migrations);
  const deps = createDependencies(
    { config: loadConfig(configSchema, {}), ...testInfrastructure('notification-service', db) },
    { verifier: issuer.verifier() },
  );
  const server = await listen(createApp(deps));
  return {
    url: server.url,
    db,
    deps,
    issuer,
    server,
    async close() {
      await server.close();
      await issuer.close();
      await db.close();
    },
  };
}

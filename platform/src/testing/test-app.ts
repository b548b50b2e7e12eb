import type { RequestListener } from 'node:http';
import type { z } from 'zod';
import { loadConfig } from '../config/load-config';
import type { Database } from '../db/database';
import type { Migration } from '../db/migrate';
import type { Logger, LogSecrets } from '../logging/logger';
import { serviceManifest } from '../manifest/manifest';
import type { ServiceInfrastructure } from '../runtime/bootstrap';
import { listen, type Listening } from './http';
import { openTestDatabase } from './test-database';
import { testInfrastructure } from './test-logger';
import { TestIssuer } from './test-issuer';

/** What a service gives the test harness: the same pieces its main.ts composes. */
export interface TestAppSpec<C, D> {
  service: string;
  configSchema: z.ZodType<C>;
  migrations: Migration[];
  /** Environment for the service's config, as a Helm release or `npm start` would set it. */
  env?: Record<string, string>;
  logSecrets?: LogSecrets;
  /** A logger of the test's own (to read what the service logged). */
  logger?: Logger;
  /** Start a test issuer whose real RS256 tokens the service trusts (every service but the issuer itself). */
  issuer?: boolean;
  createDependencies(infra: ServiceInfrastructure<C>, issuer: TestIssuer | undefined): D;
  createApp(deps: D): RequestListener;
  /** Cleanup of the service's own, before the database closes (peer clients, fakes). */
  onClose?(deps: D): Promise<void> | void;
}

export interface TestApp<D> {
  url: string;
  db: Database;
  deps: D;
  server: Listening;
  /** The test issuer, when the spec asked for one. */
  issuer: TestIssuer;
  close(): Promise<void>;
}

/**
 * A service as it runs in production, on its own test database (its schema, migrated), served on
 * a free loopback port: what every service's integration tests mount.
 */
export async function startTestApp<C, D>(spec: TestAppSpec<C, D>): Promise<TestApp<D>> {
  const issuer = spec.issuer === false ? undefined : await TestIssuer.start();
  const config = loadConfig(spec.configSchema, spec.env ?? {});
  const db = await openTestDatabase(serviceManifest(spec.service).schema, spec.migrations);
  const infra = testInfrastructure(spec.service, db, spec.logSecrets);
  const deps = spec.createDependencies({ ...infra, config, logger: spec.logger ?? infra.logger }, issuer);
  const server = await listen(spec.createApp(deps));
  return {
    url: server.url,
    db,
    deps,
    server,
    get issuer() {
      if (!issuer) throw new Error(`${spec.service}'s test app has no test issuer`);
      return issuer;
    },
    async close() {
      await server.close();
      await spec.onClose?.(deps);
      await issuer?.close();
      await db.close();
    },
  };
}

import { createLogger, loadConfig, migrate, openDatabase } from '@micropay/platform';
import { configSchema } from './config';
import { migrations } from './data/migrations';

/**
 * Applies transaction-service's pending migrations and returns their names. It reads the same configuration
 * as the service, so a release whose configuration is wrong fails in its migration hook, before
 * any pod is replaced.
 */
export async function runMigrations(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger({ service: config.service, level: config.log.level });
  const db = await openDatabase({ ...config.database, logger });
  try {
    const applied = await migrate(db.knex, db.schema, migrations);
    logger.info({ schema: db.schema, applied }, applied.length ? 'migrations applied' : 'schema up to date');
    return applied;
  } finally {
    await db.close();
  }
}

/** Entry point of the Kubernetes pre-install/pre-upgrade Job: `node transaction-service/dist/migrate.js`. */
if (require.main === module) {
  runMigrations().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`transaction-service migrations failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}

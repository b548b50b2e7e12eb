import { exitWhenMigrated, runMigrationJob } from '@micropay/platform';
import { configSchema } from './config';
import { migrations } from './data/migrations';

/** Applies auth-service's pending migrations with the service's own configuration; returns their names. */
export const runMigrations = (env: NodeJS.ProcessEnv = process.env) => runMigrationJob(configSchema, migrations, env);

/** Entry point of the Kubernetes pre-install/pre-upgrade Job: `node auth-service/dist/migrate.js`. */
if (require.main === module) exitWhenMigrated('auth-service', runMigrations());

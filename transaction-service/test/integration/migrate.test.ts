import path from 'node:path';
import { describeMigrationJob } from '@micropay/platform/testing';
import { migrations } from '../../src/data/migrations';
import { runMigrations } from '../../src/migrate';

describeMigrationJob({
  service: 'transaction-service',
  schema: 'ledger',
  entry: path.resolve(__dirname, '../../src/migrate.ts'),
  migrations,
  runMigrations,
  env: { OAUTH_CLIENT_ID: 'transaction-service', OAUTH_CLIENT_SECRET: 'test-secret-0123456789' },
});

import path from 'node:path';
import { describeMigrationJob } from '@micropay/platform/testing';
import { migrations } from '../../src/data/migrations';
import { runMigrations } from '../../src/migrate';

describeMigrationJob({
  service: 'payment-service',
  schema: 'payments',
  entry: path.resolve(__dirname, '../../src/migrate.ts'),
  migrations,
  runMigrations,
  env: {
    OAUTH_CLIENT_ID: 'payment-service',
    OAUTH_CLIENT_SECRET: 'a-client-secret-of-32-characters!',
    CARD_FINGERPRINT_SECRET: 'a-fingerprint-secret-of-32-chars!',
    SANDBOX_API_KEY: 'sk_sandbox_0123456789abcdef',
    SANDBOX_WEBHOOK_SECRET: 'a-webhook-secret-of-32-characters',
  },
});

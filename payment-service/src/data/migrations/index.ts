import { platformMigrations, type Migration } from '@micropay/platform';
import { paymentsMigration } from './0001-payments';
import { methodsRefundsWebhooksMigration } from './0002-methods-refunds-webhooks';

/** Applied in this order, in the `payments` schema. Append only. */
export const migrations: Migration[] = [
  ...platformMigrations({ idempotency: true, outbox: true }),
  paymentsMigration,
  methodsRefundsWebhooksMigration,
];

import {
  idempotencyMigration,
  idempotencyReplayTextMigration,
  outboxMigration,
  type Migration,
} from '@micropay/platform';
import { paymentsMigration } from './0001-payments';

/** Applied in this order, in the `payments` schema. Append only. */
export const migrations: Migration[] = [
  idempotencyMigration,
  outboxMigration,
  paymentsMigration,
  idempotencyReplayTextMigration,
];

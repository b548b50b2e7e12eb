import { idempotencyMigration, type Migration } from '@micropay/platform';
import { accountsMigration } from './0001-accounts';
import { transfersMigration } from './0002-transfers';

/** Applied in this order, in the `ledger` schema. Append only. */
export const migrations: Migration[] = [idempotencyMigration, accountsMigration, transfersMigration];

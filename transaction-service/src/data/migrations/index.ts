import { outboxMigration, platformMigrations, type Migration } from '@micropay/platform';
import { accountsMigration } from './0001-accounts';
import { transfersMigration } from './0002-transfers';
import { holdsMigration } from './0003-holds';

/** Applied in this order, in the `ledger` schema. Append only. */
export const migrations: Migration[] = [
  ...platformMigrations({ idempotency: true }),
  accountsMigration,
  transfersMigration,
  holdsMigration,
  // account.balance_changed events (issue #13); appended, so databases migrated before stay valid.
  outboxMigration,
];

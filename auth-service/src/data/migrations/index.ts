import type { Migration } from '@micropay/platform';
import { usersMigration } from './0001-users';
import { signingKeysMigration } from './0002-signing-keys';
import { refreshTokensMigration } from './0003-refresh-tokens';
import { sessionsAndLoginAttemptsMigration } from './0004-sessions-and-login-attempts';
import { cleanupIndexesMigration } from './0005-cleanup-indexes';
import { revocationsMigration } from './0006-revocations';

/** Applied in this order, in the `auth` schema. Append only. */
export const migrations: Migration[] = [
  usersMigration,
  signingKeysMigration,
  refreshTokensMigration,
  sessionsAndLoginAttemptsMigration,
  cleanupIndexesMigration,
  revocationsMigration,
];

import { platformMigrations, type Migration } from '@micropay/platform';
import { notificationsMigration } from './0001-notifications';
import { webhooksMigration } from './0002-webhooks';
import { emailAndPushMigration } from './0003-email-and-push';

/** Applied in this order, in the `notifications` schema. Append only. */
export const migrations: Migration[] = [
  ...platformMigrations({ inbox: true }),
  notificationsMigration,
  webhooksMigration,
  emailAndPushMigration,
];

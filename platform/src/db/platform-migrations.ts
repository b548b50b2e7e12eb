import { idempotencyMigration, idempotencyReplayTextMigration } from '../idempotency/idempotency-store';
import { inboxMigration } from '../events/inbox';
import { outboxMigration } from '../events/outbox';
import type { Migration } from './migrate';

/** The platform features whose tables live in a service's own schema. */
export interface PlatformFeatures {
  /** `idempotency_keys`: the service takes Idempotency-Key on its routes. */
  idempotency?: boolean;
  /** `outbox`: the service publishes events. */
  outbox?: boolean;
  /** `inbox`: the service consumes events, once per event id. */
  inbox?: boolean;
}

/**
 * The platform's migrations a service needs, in the order they must run; a service lists them
 * before its own. Each feature's migrations only ever grow at the end, and names never change, so
 * a database migrated by an older list stays valid.
 */
export function platformMigrations(features: PlatformFeatures): Migration[] {
  return [
    ...(features.idempotency ? [idempotencyMigration, idempotencyReplayTextMigration] : []),
    ...(features.outbox ? [outboxMigration] : []),
    ...(features.inbox ? [inboxMigration] : []),
  ];
}

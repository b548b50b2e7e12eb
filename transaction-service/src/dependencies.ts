import { createTokenVerifier, IdempotencyStore, type Database, type Lifecycle, type Logger, type Metrics, type TokenVerifier } from '@micropay/platform';
import type { Config } from './config';
import { LedgerRepository } from './data/ledger-repository';
import { LedgerService } from './domain/ledger-service';

export interface Infrastructure {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
}

export interface Dependencies extends Infrastructure {
  ledger: LedgerService;
  verifier: TokenVerifier;
  idempotency: IdempotencyStore;
}

/** Wires repositories and domain services; shared by main.ts and the tests. */
export function createDependencies(infra: Infrastructure, overrides: { verifier?: TokenVerifier } = {}): Dependencies {
  return {
    ...infra,
    ledger: new LedgerService(new LedgerRepository(infra.db.knex)),
    verifier: overrides.verifier ?? createTokenVerifier(infra.config.auth),
    idempotency: new IdempotencyStore(infra.db.knex),
  };
}

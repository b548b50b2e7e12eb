import {
  createTokenVerifier,
  IdempotencyStore,
  type ServiceInfrastructure,
  type TokenVerifier,
} from '@micropay/platform';
import type { Config } from './config';
import { LedgerRepository } from './data/ledger-repository';
import { LedgerService } from './domain/ledger-service';
import { ledgerMetrics, type LedgerMetrics } from './metrics';

export type Infrastructure = ServiceInfrastructure<Config>;

export interface Dependencies extends Infrastructure {
  ledger: LedgerService;
  ledgerMetrics: LedgerMetrics;
  verifier: TokenVerifier;
  idempotency: IdempotencyStore;
}

/** Wires repositories and domain services; shared by main.ts and the tests. */
export function createDependencies(infra: Infrastructure, overrides: { verifier?: TokenVerifier } = {}): Dependencies {
  const metrics = ledgerMetrics(infra.metrics);
  return {
    ...infra,
    ledger: new LedgerService(new LedgerRepository(infra.db.knex, { retries: metrics.retries })),
    ledgerMetrics: metrics,
    verifier: overrides.verifier ?? createTokenVerifier(infra.config.auth),
    idempotency: new IdempotencyStore(infra.db.knex),
  };
}

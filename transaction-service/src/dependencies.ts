import {
  clientCredentialsTokenSource,
  createTokenVerifier,
  eventPublisher,
  IdempotencyStore,
  OutboxRelay,
  PeerClient,
  discoveryFromConfig,
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
  /** Publishes account.balance_changed from the outbox (HTTP push locally, SNS in AWS). */
  relay: OutboxRelay;
  peers: PeerClient[];
}

/** Wires repositories and domain services; shared by main.ts and the tests. */
export function createDependencies(infra: Infrastructure, overrides: { verifier?: TokenVerifier } = {}): Dependencies {
  const { config, db, logger, metrics } = infra;
  const ledgerCounters = ledgerMetrics(metrics);
  const discovery = discoveryFromConfig(config.discovery, logger);
  const tokens = clientCredentialsTokenSource({ ...config.clientCredentials, timeoutMs: config.peerTimeoutMs });
  const subscribers = config.eventSubscribers.map(
    (target) => new PeerClient({ target, discovery, metrics, logger, tokens, timeoutMs: config.peerTimeoutMs }),
  );
  return {
    ...infra,
    ledger: new LedgerService(new LedgerRepository(db.knex, { retries: ledgerCounters.retries })),
    ledgerMetrics: ledgerCounters,
    verifier: overrides.verifier ?? createTokenVerifier({ ...config.auth, logger: infra.logger }),
    idempotency: new IdempotencyStore(db.knex),
    relay: new OutboxRelay({ knex: db.knex, publisher: eventPublisher(config.events, subscribers), logger, metrics }),
    peers: subscribers,
  };
}

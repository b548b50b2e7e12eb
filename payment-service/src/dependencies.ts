import {
  clientCredentialsTokenSource,
  createTokenVerifier,
  discoveryFromConfig,
  HttpPushPublisher,
  IdempotencyStore,
  OutboxRelay,
  PeerClient,
  type ServiceInfrastructure,
  type TokenVerifier,
} from '@micropay/platform';
import type { Config } from './config';
import { LedgerClient } from './adapters/ledger-client';
import { SandboxProvider } from './adapters/sandbox-provider';
import { PaymentRepository } from './data/payment-repository';
import { PaymentService } from './domain/payment-service';
import type { PaymentProvider } from './domain/ports';
import { paymentMetrics } from './metrics';

export type Infrastructure = ServiceInfrastructure<Config>;

export interface Dependencies extends Infrastructure {
  payments: PaymentService;
  relay: OutboxRelay;
  verifier: TokenVerifier;
  idempotency: IdempotencyStore;
  peers: PeerClient[];
}

/** Wires repositories, peers and domain services; shared by main.ts and the tests. */
export function createDependencies(
  infra: Infrastructure,
  overrides: { verifier?: TokenVerifier; provider?: PaymentProvider } = {},
): Dependencies {
  const { config, db, logger, metrics } = infra;
  const discovery = discoveryFromConfig(config.discovery, logger);
  const tokens = clientCredentialsTokenSource({ ...config.clientCredentials, timeoutMs: config.peerTimeoutMs });
  const peer = (target: string) =>
    new PeerClient({ target, discovery, metrics, logger, tokens, timeoutMs: config.peerTimeoutMs });

  const ledgerPeer = peer('transaction-service');
  const subscribers = config.eventSubscribers.map(peer);
  const relay = new OutboxRelay({ knex: db.knex, publisher: new HttpPushPublisher(subscribers), logger, metrics });
  const payments = new PaymentService({
    store: new PaymentRepository(db.knex),
    provider: overrides.provider ?? new SandboxProvider(),
    ledger: new LedgerClient(ledgerPeer),
    events: relay,
    fingerprintSecret: config.cardFingerprintSecret,
    logger,
    observer: paymentMetrics(metrics),
  });
  return {
    ...infra,
    payments,
    relay,
    verifier: overrides.verifier ?? createTokenVerifier(config.auth),
    idempotency: new IdempotencyStore(db.knex),
    peers: [ledgerPeer, ...subscribers],
  };
}

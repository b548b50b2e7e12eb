import {
  clientCredentialsTokenSource,
  createTokenVerifier,
  eventPublisher,
  discoveryFromConfig,
  IdempotencyStore,
  OutboxRelay,
  PeerClient,
  StaticDiscovery,
  type PeriodicJob,
  type ServiceInfrastructure,
  type TokenVerifier,
} from '@micropay/platform';
import type { Config } from './config';
import { LedgerClient } from './adapters/ledger-client';
import { SandboxProvider } from './adapters/sandbox-provider';
import { PaymentRepository } from './data/payment-repository';
import { ProviderEventRepository } from './data/provider-event-repository';
import { ReconciliationRepository } from './data/reconciliation-repository';
import { RefundRepository } from './data/refund-repository';
import { PaymentService } from './domain/payment-service';
import type { PaymentProvider } from './domain/ports';
import { ProviderWebhooks } from './domain/provider-webhooks';
import { Reconciliation } from './domain/reconciliation';
import { RefundService } from './domain/refund-service';
import { providerEventJob } from './jobs/provider-event-job';
import { paymentMetrics } from './metrics';

export type Infrastructure = ServiceInfrastructure<Config>;

export interface Dependencies extends Infrastructure {
  provider: PaymentProvider;
  payments: PaymentService;
  refunds: RefundService;
  webhooks: ProviderWebhooks;
  /** Applies recorded provider webhooks; the webhook route wakes it. */
  providerEvents: PeriodicJob;
  reconciliation: Reconciliation;
  reconciliationStore: ReconciliationRepository;
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
  // The sandbox takes an API key, as a PSP does, instead of our client-credentials tokens.
  const sandboxKey = { getToken: async () => config.sandbox.apiKey, invalidate: () => undefined };
  // The provider is outside MicroPay: found by its URL, never in Cloud Map.
  const providerPeer = new PeerClient({
    target: 'sandbox',
    discovery: new StaticDiscovery({ sandbox: config.sandbox.url }),
    metrics,
    logger,
    tokens: sandboxKey,
    timeoutMs: config.peerTimeoutMs,
  });
  const subscribers = config.eventSubscribers.map(peer);
  const relay = new OutboxRelay({
    knex: db.knex,
    publisher: eventPublisher(config.events, subscribers),
    logger,
    metrics,
  });
  const provider = overrides.provider ?? new SandboxProvider(providerPeer, config.sandbox.webhookSecret);
  const ledger = new LedgerClient(ledgerPeer);
  const store = new PaymentRepository(db.knex);
  const observer = paymentMetrics(metrics);
  const payments = new PaymentService({
    store,
    provider,
    ledger,
    events: relay,
    fingerprintSecret: config.cardFingerprintSecret,
    authorizationTtlSeconds: config.authorizationTtlSeconds,
    logger,
    observer,
  });
  const refunds = new RefundService({
    refunds: new RefundRepository(db.knex),
    payments: store,
    ledger,
    provider,
    events: relay,
    logger,
    observer,
  });
  const webhooks = new ProviderWebhooks({
    events: new ProviderEventRepository(db.knex),
    payments: store,
    service: payments,
    logger,
    observer,
  });
  const reconciliationStore = new ReconciliationRepository(db.knex);
  const reconciliation = new Reconciliation({ store: reconciliationStore, ledger, logger, observer });
  return {
    ...infra,
    provider,
    payments,
    refunds,
    webhooks,
    providerEvents: providerEventJob(webhooks, logger),
    reconciliation,
    reconciliationStore,
    relay,
    verifier: overrides.verifier ?? createTokenVerifier({ ...config.auth, logger: infra.logger }),
    idempotency: new IdempotencyStore(db.knex),
    peers: [ledgerPeer, providerPeer, ...subscribers],
  };
}

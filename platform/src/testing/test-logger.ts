import type { Database } from '../db/database';
import type { Infrastructure } from '../runtime/bootstrap';
import { Lifecycle } from '../runtime/lifecycle';
import { createLogger, type Logger, type LogSecrets } from '../logging/logger';
import { Metrics } from '../metrics/metrics';
import { testEnv } from './test-env';

/** Silent unless TEST_LOG_LEVEL asks for lines (e.g. TEST_LOG_LEVEL=debug npm test). */
export function testLogger(service = 'test', secrets?: LogSecrets): Logger {
  return createLogger({ service, level: testEnv().TEST_LOG_LEVEL, secrets });
}

/** A service's infrastructure for tests: the given database, a quiet logger, fresh metrics. */
export function testInfrastructure(service: string, db: Database, logSecrets?: LogSecrets): Infrastructure {
  return {
    db,
    logger: testLogger(service, logSecrets),
    metrics: new Metrics(service, { defaultMetrics: false }),
    lifecycle: new Lifecycle(),
  };
}

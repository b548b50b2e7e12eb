import { createLogger, type Logger } from '../logging/logger';
import { testEnv } from './test-env';

/** Silent unless TEST_LOG_LEVEL asks for lines (e.g. TEST_LOG_LEVEL=debug npm test). */
export function testLogger(service = 'test'): Logger {
  return createLogger({ service, level: testEnv().TEST_LOG_LEVEL });
}

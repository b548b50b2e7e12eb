import { z } from 'zod';
import { env, loadConfig } from '../config/load-config';

/** Environment knobs of the test suite, read once through the platform config loader. */
export function testEnv() {
  return loadConfig(
    z.object({
      DATABASE_URL: env.postgresUrl().optional(),
      MICROPAY_TEST_DATABASE_URL: env.postgresUrl().optional(),
      TEST_LOG_LEVEL: env.logLevel().default('silent'),
    }),
  );
}

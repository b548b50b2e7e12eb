import { z } from 'zod';
import { baseConfig, env, serviceEnv, verifierConfig, verifierEnv } from '@micropay/platform';

export const configSchema = z
  .object({
    ...serviceEnv('transaction-service'),
    ...verifierEnv,
    /** How often expired holds (pending transfers past timeout_seconds) are voided. */
    LEDGER_EXPIRY_SWEEP_MS: env.int(1000, 10),
  })
  .transform((e) => ({
    ...baseConfig(e, 'transaction-service'),
    auth: verifierConfig(e),
    expirySweepMs: e.LEDGER_EXPIRY_SWEEP_MS,
  }));

export type Config = z.output<typeof configSchema>;

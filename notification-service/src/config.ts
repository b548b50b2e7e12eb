import { z } from 'zod';
import { baseConfig, serviceEnv, verifierConfig, verifierEnv } from '@micropay/platform';

export const configSchema = z
  .object({ ...serviceEnv('notification-service'), ...verifierEnv })
  .transform((e) => ({ ...baseConfig(e, 'notification-service'), auth: verifierConfig(e) }));

export type Config = z.output<typeof configSchema>;

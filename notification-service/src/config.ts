import { z } from 'zod';
import { baseConfig, serviceEnv, verifierConfig, verifierEnv } from '@micropay/platform';

export const configSchema = z
  .object({ ...serviceEnv({ port: 8084 }), ...verifierEnv })
  .transform((e) => ({ ...baseConfig(e, 'notification-service', 'notifications'), auth: verifierConfig(e) }));

export type Config = z.output<typeof configSchema>;

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SERVICES } from '@micropay/platform';

export interface LocalSecrets {
  /** Client-credentials secrets of the services that call peers with a token of their own. */
  clients: Record<string, string>;
  cardFingerprintSecret: string;
  /** The sandbox provider's API key (payment-service → sandbox) and webhook signing secret (sandbox → payment-service). */
  sandboxApiKey: string;
  sandboxWebhookSecret: string;
}

const secret = () => randomBytes(32).toString('base64url');

/** The services with a client-credentials client: those the manifest gives client scopes. */
export const SERVICE_CLIENTS = SERVICES.filter((s) => s.clientScopes.length > 0);

/**
 * Secrets for the one-machine stack, generated on first start and kept (mode 0600) beside the
 * data, so restarts keep working tokens and stable card fingerprints. A service added to the
 * manifest since gets its secret on the next start; existing ones never change. In Kubernetes
 * the same values come from Secrets.
 */
export async function loadOrCreateLocalSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'local-secrets.json');
  let stored: Partial<LocalSecrets> = {};
  try {
    stored = JSON.parse(await fs.readFile(file, 'utf8')) as LocalSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets: LocalSecrets = {
    ...stored,
    clients: { ...stored.clients },
    cardFingerprintSecret: stored.cardFingerprintSecret ?? secret(),
    sandboxApiKey: stored.sandboxApiKey ?? `sk_sandbox_${secret()}`,
    sandboxWebhookSecret: stored.sandboxWebhookSecret ?? secret(),
  };
  for (const { name } of SERVICE_CLIENTS) secrets.clients[name] ??= secret();
  if (!isDeepStrictEqual(secrets, stored)) {
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}

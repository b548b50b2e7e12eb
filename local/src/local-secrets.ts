import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface LocalSecrets {
  /** Client-credentials secrets of the services that call peers. */
  clients: Record<string, string>;
  cardFingerprintSecret: string;
}

const secret = () => randomBytes(32).toString('base64url');

/**
 * Secrets for the one-machine stack, generated on first start and kept (mode 0600) beside the
 * data, so restarts keep working tokens and stable card fingerprints. In Kubernetes the same
 * values come from Secrets.
 */
export async function loadOrCreateLocalSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'local-secrets.json');
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as LocalSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets: LocalSecrets = {
    clients: { 'payment-service': secret(), 'transaction-service': secret(), 'notification-service': secret() },
    cardFingerprintSecret: secret(),
  };
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** Which scopes each local service client may request (`OAUTH_CLIENTS` of auth-service). */
export const CLIENT_SCOPES: Record<string, string[]> = {
  'payment-service': ['ledger:read', 'ledger:write', 'events:publish'],
  'transaction-service': ['events:publish'],
  'notification-service': ['events:publish'],
};

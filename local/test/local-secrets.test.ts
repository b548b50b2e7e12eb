import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateLocalSecrets } from '../src/local-secrets';

describe('loadOrCreateLocalSecrets', () => {
  it('creates secrets once, private to the user, and returns the same ones afterwards', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-secrets-'));
    try {
      const first = await loadOrCreateLocalSecrets(path.join(dir, 'data'));
      expect(first.clients['payment-service']).to.have.length.greaterThan(40);
      expect(first.cardFingerprintSecret).not.to.equal(first.clients['payment-service']);
      const stat = await fs.stat(path.join(dir, 'data', 'local-secrets.json'));
      expect(stat.mode & 0o777).to.equal(0o600);
      expect(await loadOrCreateLocalSecrets(path.join(dir, 'data'))).to.deep.equal(first);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the secrets it has and adds one for a service client that is new in the manifest', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-secrets-'));
    try {
      const file = path.join(dir, 'local-secrets.json');
      await fs.writeFile(file, JSON.stringify({ clients: { 'payment-service': 'kept' }, cardFingerprintSecret: 'fp' }));
      const secrets = await loadOrCreateLocalSecrets(dir);
      expect(secrets.clients['payment-service']).to.equal('kept');
      expect(secrets.cardFingerprintSecret).to.equal('fp');
      expect(secrets.clients['notification-service']).to.have.length.greaterThan(40);
      expect(JSON.parse(await fs.readFile(file, 'utf8'))).to.deep.equal(secrets);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

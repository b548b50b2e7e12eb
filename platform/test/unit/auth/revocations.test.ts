import { expect } from 'chai';
import express from 'express';
import { RevocationSet, revocationFeed, type RevocationEntry } from '../../../src';
import { listen } from '../../../src/testing';

describe('revocations (ADR 0009)', () => {
  const future = () => Math.floor(Date.now() / 1000) + 600;

  describe('RevocationSet', () => {
    it('refuses a revoked session, and a signed-out user only for tokens issued before the cut-off', () => {
      const set = new RevocationSet();
      set.add([
        { type: 'session', id: 'ses_1', issued_before: null, expires_at: future() },
        { type: 'user', id: 'usr_2', issued_before: 1000, expires_at: future() },
      ]);
      expect(set.isRevoked({ sub: 'usr_1', sessionId: 'ses_1', issuedAt: 5 })).to.equal(true);
      expect(set.isRevoked({ sub: 'usr_1', sessionId: 'ses_9', issuedAt: 5 })).to.equal(false);
      expect(set.isRevoked({ sub: 'usr_2', issuedAt: 999 })).to.equal(true);
      expect(set.isRevoked({ sub: 'usr_2', issuedAt: 1000 })).to.equal(false);
    });

    it('forgets entries once they expire', () => {
      let now = 100;
      const set = new RevocationSet(() => now);
      set.add([{ type: 'session', id: 'ses_1', issued_before: null, expires_at: 150 }]);
      set.prune();
      expect(set.size).to.equal(1);
      now = 151;
      set.prune();
      expect(set.isRevoked({ sub: 'u', sessionId: 'ses_1', issuedAt: 1 })).to.equal(false);
    });
  });

  describe('revocationFeed', () => {
    it('asks with the last cursor, and on an outage keeps what it knows (fail open for the rest)', async () => {
      const seen: (string | undefined)[] = [];
      let entries: RevocationEntry[] = [{ type: 'session', id: 'ses_1', issued_before: null, expires_at: future() }];
      let down = false;
      const app = express().get('/internal/revocations', (req, res) => {
        seen.push(req.query.since as string | undefined);
        if (down) return void res.status(503).json({ error: { code: 'unavailable' } });
        res.json({ object: 'revocation_list', cursor: String(seen.length), data: entries });
      });
      const server = await listen(app);
      const feed = revocationFeed({ url: `${server.url}/internal/revocations`, intervalMs: 60_000 });
      try {
        expect(await feed.refresh()).to.equal(true);
        entries = [{ type: 'session', id: 'ses_2', issued_before: null, expires_at: future() }];
        expect(await feed.refresh()).to.equal(true);
        expect(seen.slice(-1)[0]).to.be.a('string');
        down = true;
        expect(await feed.refresh()).to.equal(false);
        expect(feed.isRevoked({ sub: 'u', sessionId: 'ses_1', issuedAt: 1 })).to.equal(true);
        expect(feed.isRevoked({ sub: 'u', sessionId: 'ses_2', issuedAt: 1 })).to.equal(true);
        expect(feed.isRevoked({ sub: 'u', sessionId: 'ses_3', issuedAt: 1 })).to.equal(false);
      } finally {
        feed.stop();
        await server.close();
      }
    });

    it('treats an unreachable list as empty at start: tokens are accepted, nothing throws', async () => {
      const gone = await listen(express());
      await gone.close();
      const feed = revocationFeed({ url: `${gone.url}/internal/revocations`, intervalMs: 60_000, timeoutMs: 500 });
      try {
        expect(await feed.refresh()).to.equal(false);
        expect(feed.lastSuccessAt).to.equal(0);
        expect(feed.isRevoked({ sub: 'u', sessionId: 'ses_1', issuedAt: 1 })).to.equal(false);
      } finally {
        feed.stop();
      }
    });
  });
});

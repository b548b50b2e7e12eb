import { expect } from 'chai';
import express from 'express';
import { AppError, clientCredentialsTokenSource, runWithContext } from '../../../src';
import { listen, type Listening } from '../../../src/testing';

describe('clientCredentialsTokenSource', () => {
  let server: Listening;
  let requests: { authorization?: string; requestId?: string; body: Record<string, string> }[];
  let status = 200;
  let expiresIn = 3600;

  before(async () => {
    const app = express();
    app.post('/oauth2/token', express.urlencoded({ extended: false }), async (req, res) => {
      requests.push({ authorization: req.get('authorization'), requestId: req.get('x-request-id'), body: req.body });
      await new Promise((r) => setTimeout(r, 20));
      if (status !== 200) {
        res.status(status).json({ error: 'invalid_client' });
        return;
      }
      res.json({ access_token: `token-${requests.length}`, token_type: 'Bearer', expires_in: expiresIn });
    });
    server = await listen(app);
  });
  beforeEach(() => {
    requests = [];
    status = 200;
    expiresIn = 3600;
  });
  after(() => server.close());

  const source = (scopes?: string[]) =>
    clientCredentialsTokenSource({
      tokenUrl: `${server.url}/oauth2/token`,
      clientId: 'payment-service',
      clientSecret: 's3cret:with/chars',
      scopes,
    });

  it('authenticates with HTTP Basic and requests the scopes', async () => {
    const token = await source(['ledger:write', 'ledger:read']).getToken();
    expect(token).to.equal('token-1');
    const [id, secret] = Buffer.from(requests[0]!.authorization!.replace('Basic ', ''), 'base64').toString().split(':');
    expect(decodeURIComponent(id!)).to.equal('payment-service');
    expect(decodeURIComponent(secret!)).to.equal('s3cret:with/chars');
    expect(requests[0]!.body).to.deep.equal({ grant_type: 'client_credentials', scope: 'ledger:write ledger:read' });
  });

  it('forwards the request id of the call that needed the token', async () => {
    await runWithContext({ requestId: 'req_token' }, () => source().getToken());
    expect(requests[0]!.requestId).to.equal('req_token');
  });

  it('caches the token and makes one request for concurrent callers', async () => {
    const tokens = source();
    const all = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    expect(new Set(all).size).to.equal(1);
    await tokens.getToken();
    expect(requests).to.have.length(1);
  });

  it('fetches a new token after invalidate() and when the cached one is about to expire', async () => {
    const tokens = source();
    await tokens.getToken();
    tokens.invalidate();
    await tokens.getToken();
    expect(requests).to.have.length(2);

    expiresIn = 0;
    const shortLived = source();
    await shortLived.getToken();
    await shortLived.getToken();
    expect(requests).to.have.length(4);
  });

  it('maps a refusal from the token endpoint to 503 upstream_unavailable', async () => {
    status = 401;
    try {
      await source().getToken();
      expect.fail('expected an error');
    } catch (error) {
      expect(error).to.be.instanceOf(AppError);
      expect((error as AppError).code).to.equal('upstream_unavailable');
    }
  });
});

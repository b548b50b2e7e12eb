import type { ServerResponse } from 'node:http';
import type { TokenVerifier } from '@micropay/platform';
import { listen, type Listening } from '@micropay/platform/testing';

/**
 * auth-service's `GET /v1/auth/users/{id}` on 127.0.0.1, as notification-service sees it: it
 * checks the caller's real client token (users:read) with the test issuer's verifier and answers
 * from a map of users; `failures` answers 503 to the next lookups (auth-service down).
 */
export class UserDirectoryStub {
  readonly users = new Map<string, string>();
  readonly lookups: string[] = [];
  failures = 0;
  verifier?: TokenVerifier;
  private constructor(private readonly listening: Listening) {}

  static async start(): Promise<UserDirectoryStub> {
    const state: { stub?: UserDirectoryStub } = {};
    const listening = await listen(
      (req, res) => void state.stub!.handle(req.url ?? '', req.headers.authorization, res),
    );
    state.stub = new UserDirectoryStub(listening);
    return state.stub;
  }

  get url(): string {
    return this.listening.url;
  }

  close(): Promise<void> {
    return this.listening.close();
  }

  private async handle(url: string, authorization: string | undefined, res: ServerResponse) {
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const match = /^\/v1\/auth\/users\/([^/?]+)$/.exec(url);
    if (!match) return send(404, { error: { code: 'not_found' } });
    const id = decodeURIComponent(match[1]!);
    this.lookups.push(id);
    if (this.failures > 0) {
      this.failures -= 1;
      return send(503, { error: { code: 'service_unavailable' } });
    }
    try {
      const caller = await this.verifier!.verify((authorization ?? '').replace(/^Bearer /, ''));
      if (!caller.scopes.includes('users:read')) return send(403, { error: { code: 'forbidden' } });
    } catch {
      return send(401, { error: { code: 'unauthenticated' } });
    }
    const email = this.users.get(id);
    if (!email) return send(404, { error: { code: 'user_missing' } });
    return send(200, {
      id,
      object: 'user',
      email,
      name: null,
      groups: ['customer'],
      created_at: new Date().toISOString(),
    });
  }
}

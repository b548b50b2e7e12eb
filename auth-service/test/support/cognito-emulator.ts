import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { listen, type Listening } from '@micropay/platform/testing';

const EMULATOR_BIN = require.resolve('cognito-local/lib/bin/start.js');
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const EMULATOR_REGION = 'us-east-1';

/**
 * cognito-local 5.x, started on loopback in a temporary working directory (it keeps its state in
 * ./.cognito), behind a small proxy at the SDK's HTTP boundary. The proxy forwards every call
 * unchanged except what the emulator lacks, which it fakes the way AWS behaves:
 *  - GlobalSignOut (missing): remembered per user; afterwards GetUser with an older access token
 *    and REFRESH_TOKEN_AUTH with an older refresh token answer NotAuthorizedException;
 *  - a wrong password: the emulator says InvalidPasswordException, AWS says NotAuthorizedException;
 *  - SECRET_HASH (not checked by the emulator): verified for app clients that have a secret;
 *  - throttling: while `throttle(target)` is on, such calls answer TooManyRequestsException.
 * Everything else (SignUp, confirmation, InitiateAuth, RevokeToken, groups, token signing, JWKS)
 * is the emulator's own behaviour, reached through the real AWS SDK.
 */
export class CognitoEmulator {
  readonly userPoolId: string;
  readonly issuer: string;
  private readonly signedOutAt = new Map<string, number>();
  private readonly throttled = new Set<string>();
  private readonly secrets = new Map<string, string>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly cwd: string,
    private readonly emulatorUrl: string,
    private readonly proxy: Listening,
    readonly admin: CognitoIdentityProviderClient,
    userPoolId: string,
  ) {
    this.userPoolId = userPoolId;
    this.issuer = `${emulatorUrl}/${userPoolId}`;
  }

  /** The URL the service's SDK talks to (the proxy). */
  get endpoint(): string {
    return this.proxy.url;
  }

  static async start(): Promise<CognitoEmulator> {
    const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-cognito-'));
    const port = await freePort();
    const child = spawn(process.execPath, [EMULATOR_BIN], {
      cwd,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const emulatorUrl = `http://127.0.0.1:${port}`;
    await waitForEmulator(child, emulatorUrl);

    const holder: { emulator?: CognitoEmulator } = {};
    const proxy = await listen((req, res) => void holder.emulator!.handle(req, res));
    const admin = new CognitoIdentityProviderClient({
      region: EMULATOR_REGION,
      endpoint: emulatorUrl,
      credentials: EMULATOR_CREDENTIALS,
    });
    const pool = await admin.send(
      new CreateUserPoolCommand({
        PoolName: 'micropay-test',
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
      }),
    );
    const userPoolId = pool.UserPool!.Id!;
    for (const group of ['customer', 'merchant', 'admin']) {
      await admin.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
    }
    holder.emulator = new CognitoEmulator(child, cwd, emulatorUrl, proxy, admin, userPoolId);
    return holder.emulator;
  }

  async createAppClient(options: { secret: boolean }): Promise<{ clientId: string; clientSecret?: string }> {
    const result = await this.admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: this.userPoolId,
        ClientName: `app-${Date.now()}`,
        GenerateSecret: options.secret,
      }),
    );
    const client = { clientId: result.UserPoolClient!.ClientId!, clientSecret: result.UserPoolClient!.ClientSecret };
    if (client.clientSecret) this.secrets.set(client.clientId, client.clientSecret);
    return client;
  }

  /** The code the emulator would have emailed, read from its state file. */
  async confirmationCode(email: string): Promise<string> {
    const db = JSON.parse(await fs.readFile(path.join(this.cwd, '.cognito', 'db', `${this.userPoolId}.json`), 'utf8'));
    const users = Object.values(db.Users ?? {}) as {
      Attributes: { Name: string; Value: string }[];
      ConfirmationCode?: string;
    }[];
    const user = users.find((u) => u.Attributes.some((a) => a.Name === 'email' && a.Value === email));
    if (!user?.ConfirmationCode) throw new Error(`no confirmation code for ${email}`);
    return user.ConfirmationCode;
  }

  /** Until `off()` is called, every `target` call is throttled (the SDK's own retries included). */
  throttle(target: string): { off(): void } {
    this.throttled.add(target);
    return { off: () => this.throttled.delete(target) };
  }

  async stop(): Promise<void> {
    await this.proxy.close();
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
    await fs.rm(this.cwd, { recursive: true, force: true });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const target =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, any>) : {};
    const fail = (type: string, message: string) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
      res.end(JSON.stringify({ __type: type, message }));
    };

    if (this.throttled.has(target)) return fail('TooManyRequestsException', 'Rate exceeded');
    if (target === 'GlobalSignOut') {
      this.signedOutAt.set(String(decodeJwt(body.AccessToken).sub), Math.floor(Date.now() / 1000));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{}');
      return;
    }
    if (target === 'GetUser' && this.isSignedOut(body.AccessToken, 'sub'))
      return fail('NotAuthorizedException', 'Access Token has been revoked');
    if (target === 'InitiateAuth') {
      const secret = this.secrets.get(body.ClientId);
      if (secret) {
        const username =
          body.AuthFlow === 'REFRESH_TOKEN_AUTH'
            ? String(decodeJwt(body.AuthParameters.REFRESH_TOKEN)['cognito:username'])
            : body.AuthParameters.USERNAME;
        const expected = createHmac('sha256', secret)
          .update(username + body.ClientId)
          .digest('base64');
        if (body.AuthParameters?.SECRET_HASH !== expected)
          return fail('NotAuthorizedException', `Unable to verify secret hash for client ${body.ClientId}`);
      }
      if (
        body.AuthFlow === 'REFRESH_TOKEN_AUTH' &&
        this.isSignedOut(body.AuthParameters.REFRESH_TOKEN, 'cognito:username')
      ) {
        return fail('NotAuthorizedException', 'Refresh Token has been revoked');
      }
    }

    const upstream = await fetch(`${this.emulatorUrl}${req.url}`, {
      method: req.method,
      headers: {
        'content-type': String(req.headers['content-type'] ?? ''),
        'x-amz-target': String(req.headers['x-amz-target'] ?? ''),
      },
      body: raw.length ? raw : undefined,
    });
    const text = await upstream.text();
    if (target === 'InitiateAuth' && upstream.status === 400 && text.includes('InvalidPasswordException')) {
      return fail('NotAuthorizedException', 'Incorrect username or password.');
    }
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/x-amz-json-1.1',
    });
    res.end(text);
  }

  /** For tokens issued no later than the user's (faked) GlobalSignOut. */
  private isSignedOut(token: unknown, userClaim: string): boolean {
    if (typeof token !== 'string') return false;
    try {
      const claims = decodeJwt(token);
      const signedOut = this.signedOutAt.get(String(claims[userClaim]));
      return signedOut !== undefined && (claims.iat ?? 0) <= signedOut;
    } catch {
      return false;
    }
  }
}

async function waitForEmulator(child: ChildProcess, url: string): Promise<void> {
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`cognito-local exited: ${output}`);
    const ok = await fetch(`${url}/health`).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`cognito-local did not start: ${output}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

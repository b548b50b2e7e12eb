import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import { answerClientErrors } from '../runtime/client-errors';

export interface Listening {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** Serves an app (or any request listener) on a free loopback port. */
export async function listen(app: RequestListener): Promise<Listening> {
  const server = http.createServer(app);
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface CallOptions {
  body?: unknown;
  /** Sent verbatim, for malformed-body tests. */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface CallResult<T = any> {
  status: number;
  body: T;
  /** The body exactly as it came over the wire. */
  text: string;
  headers: Headers;
}

/** A real HTTP request to a test server; JSON in, JSON (or text) out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json');
  return {
    status: response.status,
    body: (isJson && text ? JSON.parse(text) : text) as T,
    text,
    headers: response.headers,
  };
}

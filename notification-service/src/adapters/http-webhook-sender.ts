import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { WebhookSendError, type WebhookResponse, type WebhookSender } from '../domain/ports';
import { AddressRefusedError, guardedLookup, isPublicAddress, systemResolver, type Resolver } from './address-guard';

export interface HttpWebhookSenderOptions {
  /** WEBHOOK_ALLOW_PRIVATE_URLS: npm start turns it on so a developer can receive on localhost. */
  allowPrivate: boolean;
  /** A 2xx must arrive within this long (Standard Webhooks: ~15 s). */
  timeoutMs: number;
  resolve?: Resolver;
}

/** POSTs webhook deliveries over node's http/https, with the SSRF guard in the connection's own DNS lookup. */
export class HttpWebhookSender implements WebhookSender {
  constructor(private readonly options: HttpWebhookSenderOptions) {}

  send(url: string, headers: Record<string, string>, body: string): Promise<WebhookResponse> {
    const started = Date.now();
    const fail = (message: string) => new WebhookSendError(message, Date.now() - started);
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return Promise.reject(fail(`refused: ${target.protocol} is not http(s)`));
    // An IP literal never goes through lookup, so it is checked here.
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) && !this.options.allowPrivate && !isPublicAddress(host))
      return Promise.reject(fail(new AddressRefusedError(host, host).message));

    const client = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          lookup: guardedLookup(this.options.resolve ?? systemResolver, this.options.allowPrivate),
          timeout: this.options.timeoutMs,
          agent: false,
        },
        (response) => {
          // The body is not needed; drain it (bounded by the timeout) so the socket closes cleanly.
          response.resume();
          response.on('end', () =>
            resolve({
              statusCode: response.statusCode ?? 0,
              retryAfter: response.headers['retry-after'],
              durationMs: Date.now() - started,
            }),
          );
          response.on('error', (error) => reject(fail(error.message)));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no response within ${this.options.timeoutMs} ms`)));
      request.on('error', (error) => reject(fail(error.message)));
      request.end(body);
    });
  }
}

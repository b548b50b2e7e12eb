import type { IncomingHttpHeaders } from 'node:http';
import { listen, type Listening } from '@micropay/platform/testing';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A merchant's webhook receiver on 127.0.0.1: records every request and answers with the next
 * scripted response (then 200).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private script: { status: number; headers?: Record<string, string> }[] = [];
  private constructor(private readonly listening: Listening) {}

  static async start(): Promise<WebhookReceiver> {
    const state: { receiver?: WebhookReceiver } = {};
    const listening = await listen((req, res) => {
      const receiver = state.receiver;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        receiver!.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const next = receiver!.script.shift() ?? { status: 200 };
        res.writeHead(next.status, next.headers).end();
      });
    });
    state.receiver = new WebhookReceiver(listening);
    return state.receiver;
  }

  get url(): string {
    return `${this.listening.url}/hooks`;
  }

  /** The next answers, in order. */
  answer(...responses: { status: number; headers?: Record<string, string> }[]): void {
    this.script.push(...responses);
  }

  close(): Promise<void> {
    return this.listening.close();
  }
}

import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, type Listening } from './http';

/**
 * A small stand-in for SNS, SQS and SES v2 at the SDK's HTTP boundary: the real @aws-sdk clients
 * talk to it over HTTP on 127.0.0.1 (SQS's JSON protocol, SNS's Query protocol, SES v2's REST
 * JSON). It keeps what the tests need to observe: topics fanning out to queues, visibility
 * timeouts, receive counts and redrive to a dead-letter queue, platform endpoints that can be
 * disabled, and the emails sent.
 */
export class FakeAws {
  readonly queues = new Map<string, FakeQueue>();
  readonly topics = new Map<string, string[]>();
  /** SNS mobile endpoints by ARN. */
  readonly endpoints = new Map<string, { token: string; enabled: boolean; application: string }>();
  /** Messages published to mobile endpoints (TargetArn). */
  readonly pushes: { targetArn: string; message: string }[] = [];
  /** SES v2 SendEmail requests, as sent. */
  readonly emails: Record<string, unknown>[] = [];
  /** SES v2 answers this error to the next SendEmail calls, once each (a throttled or refusing SES). */
  readonly sesFailures: { code: string; status: number }[] = [];
  private listening?: Listening;

  static async start(): Promise<FakeAws> {
    const fake = new FakeAws();
    fake.listening = await listen((req, res) => void fake.handle(req, res));
    return fake;
  }

  get url(): string {
    if (!this.listening) throw new Error('FakeAws is not started');
    return this.listening.url;
  }

  close(): Promise<void> {
    for (const queue of this.queues.values()) queue.wakeAll();
    return this.listening?.close() ?? Promise.resolve();
  }

  /** A queue whose messages move to `deadLetter` after `maxReceiveCount` receives (its redrive policy). */
  createQueue(name: string, redrive?: { deadLetter: string; maxReceiveCount: number }): string {
    const url = `${this.url}/000000000000/${name}`;
    this.queues.set(
      url,
      new FakeQueue(redrive && { ...redrive, deadLetter: `${this.url}/000000000000/${redrive.deadLetter}` }),
    );
    return url;
  }

  createTopic(name: string, subscribedQueues: string[]): string {
    const arn = `arn:aws:sns:us-east-1:000000000000:${name}`;
    this.topics.set(arn, subscribedQueues);
    return arn;
  }

  /** The raw MIME messages sent with SendEmail's Content.Raw, decoded. */
  rawEmails(): string[] {
    return this.emails.map((e) => {
      const data = (e as { Content?: { Raw?: { Data?: string } } }).Content?.Raw?.Data;
      return data ? Buffer.from(data, 'base64').toString('utf8') : '';
    });
  }

  queue(url: string): FakeQueue {
    const queue = this.queues.get(url);
    if (!queue) throw new Error(`no fake queue ${url}`);
    return queue;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    try {
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string' && target.startsWith('AmazonSQS.')) {
        return json(res, 200, await this.sqs(target.slice('AmazonSQS.'.length), JSON.parse(raw || '{}')));
      }
      if (req.url?.startsWith('/v2/email/outbound-emails')) {
        const failure = this.sesFailures.shift();
        if (failure) {
          res.setHeader('x-amzn-errortype', failure.code);
          return json(res, failure.status, { message: `fake SES: ${failure.code}` });
        }
        this.emails.push(JSON.parse(raw));
        return json(res, 200, { MessageId: randomUUID() });
      }
      return xml(res, 200, this.sns(new URLSearchParams(raw)));
    } catch (error) {
      const fault = error instanceof FakeFault ? error : new FakeFault('InternalFailure', String(error), 500);
      if (req.headers['x-amz-target']) return json(res, fault.status, { __type: fault.code, message: fault.message });
      return xml(
        res,
        fault.status,
        `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${escapeXml(fault.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
    }
  }

  private async sqs(action: string, input: Record<string, unknown>): Promise<unknown> {
    const queue = () => {
      const found = this.queues.get(String(input.QueueUrl));
      if (!found) throw new FakeFault('AWS.SimpleQueueService.NonExistentQueue', 'no such queue', 400);
      return found;
    };
    switch (action) {
      case 'SendMessage':
        return { MessageId: queue().send(String(input.MessageBody)), MD5OfMessageBody: md5(String(input.MessageBody)) };
      case 'ReceiveMessage': {
        const messages = await queue().receive(
          Number(input.MaxNumberOfMessages ?? 1),
          Number(input.WaitTimeSeconds ?? 0),
          Number(input.VisibilityTimeout ?? 30),
          (body) => this.deadLetter(queue(), body),
        );
        return { Messages: messages };
      }
      case 'DeleteMessage':
        queue().delete(String(input.ReceiptHandle));
        return {};
      case 'DeleteMessageBatch': {
        const entries = input.Entries as { Id: string; ReceiptHandle: string }[];
        for (const entry of entries) queue().delete(entry.ReceiptHandle);
        return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
      }
      default:
        throw new FakeFault('InvalidAction', `the fake does not do SQS ${action}`, 400);
    }
  }

  private deadLetter(from: FakeQueue, body: string): void {
    if (from.redrive) this.queue(from.redrive.deadLetter).send(body);
  }

  private sns(params: URLSearchParams): string {
    const action = params.get('Action');
    switch (action) {
      case 'Publish': {
        const id = randomUUID();
        const targetArn = params.get('TargetArn');
        if (targetArn) {
          const endpoint = this.endpoints.get(targetArn);
          if (!endpoint) throw new FakeFault('NotFound', 'no such endpoint', 404);
          if (!endpoint.enabled) throw new FakeFault('EndpointDisabled', 'Endpoint is disabled', 400);
          this.pushes.push({ targetArn, message: params.get('Message') ?? '' });
          return result('Publish', `<MessageId>${id}</MessageId>`);
        }
        const topicArn = params.get('TopicArn') ?? '';
        const queues = this.topics.get(topicArn);
        if (!queues) throw new FakeFault('NotFound', 'Topic does not exist', 404);
        const notification = JSON.stringify({
          Type: 'Notification',
          MessageId: id,
          TopicArn: topicArn,
          Message: params.get('Message'),
          Timestamp: new Date().toISOString(),
          MessageAttributes: messageAttributes(params),
        });
        for (const url of queues) this.queue(url).send(notification);
        return result('Publish', `<MessageId>${id}</MessageId>`);
      }
      case 'CreatePlatformEndpoint': {
        const application = params.get('PlatformApplicationArn') ?? '';
        const token = params.get('Token') ?? '';
        // Idempotent, as in SNS: the same token on the same application is the same endpoint.
        const existing = [...this.endpoints].find(([, e]) => e.application === application && e.token === token);
        const arn = existing?.[0] ?? `${application.replace(':app/', ':endpoint/')}/${randomUUID()}`;
        if (!existing) this.endpoints.set(arn, { token, enabled: true, application });
        return result('CreatePlatformEndpoint', `<EndpointArn>${arn}</EndpointArn>`);
      }
      case 'GetEndpointAttributes': {
        const endpoint = this.endpoints.get(params.get('EndpointArn') ?? '');
        if (!endpoint) throw new FakeFault('NotFound', 'Endpoint does not exist', 404);
        const entries = { Enabled: String(endpoint.enabled), Token: endpoint.token };
        return result(
          'GetEndpointAttributes',
          `<Attributes>${Object.entries(entries)
            .map(([key, value]) => `<entry><key>${key}</key><value>${escapeXml(value)}</value></entry>`)
            .join('')}</Attributes>`,
        );
      }
      case 'SetEndpointAttributes': {
        const endpoint = this.endpoints.get(params.get('EndpointArn') ?? '');
        if (!endpoint) throw new FakeFault('NotFound', 'Endpoint does not exist', 404);
        for (let i = 1; params.has(`Attributes.entry.${i}.key`); i += 1) {
          const value = params.get(`Attributes.entry.${i}.value`) ?? '';
          if (params.get(`Attributes.entry.${i}.key`) === 'Enabled') endpoint.enabled = value === 'true';
          if (params.get(`Attributes.entry.${i}.key`) === 'Token') endpoint.token = value;
        }
        return result('SetEndpointAttributes', '');
      }
      default:
        throw new FakeFault('InvalidAction', `the fake does not do SNS ${action}`, 400);
    }
  }
}

interface StoredMessage {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  receipt?: string;
}

export class FakeQueue {
  readonly messages: StoredMessage[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly redrive?: { deadLetter: string; maxReceiveCount: number }) {}

  send(body: string): string {
    const id = randomUUID();
    this.messages.push({ id, body, receiveCount: 0, visibleAt: 0 });
    this.wakeAll();
    return id;
  }

  /** Bodies of the messages still in the queue (in flight or not). */
  bodies(): string[] {
    return this.messages.map((m) => m.body);
  }

  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  async receive(max: number, waitSeconds: number, visibilitySeconds: number, deadLetter: (body: string) => void) {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const now = Date.now();
      const taken = [];
      for (const message of [...this.messages]) {
        if (taken.length >= max || message.visibleAt > now) continue;
        // The redrive policy: a message received maxReceiveCount times moves on its next receive.
        if (this.redrive && message.receiveCount >= this.redrive.maxReceiveCount) {
          this.messages.splice(this.messages.indexOf(message), 1);
          deadLetter(message.body);
          continue;
        }
        message.receiveCount += 1;
        message.visibleAt = now + visibilitySeconds * 1000;
        message.receipt = randomUUID();
        taken.push({
          MessageId: message.id,
          ReceiptHandle: message.receipt,
          MD5OfBody: md5(message.body),
          Body: message.body,
          Attributes: { ApproximateReceiveCount: String(message.receiveCount) },
        });
      }
      if (taken.length > 0 || Date.now() >= deadline) return taken;
      const nextVisible = Math.min(...this.messages.map((m) => m.visibleAt).filter((t) => t > now), deadline);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(10, nextVisible - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  delete(receipt: string): void {
    const index = this.messages.findIndex((m) => m.receipt === receipt);
    if (index >= 0) this.messages.splice(index, 1);
  }
}

class FakeFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function messageAttributes(params: URLSearchParams): Record<string, { Type: string; Value: string }> {
  const attributes: Record<string, { Type: string; Value: string }> = {};
  for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i += 1) {
    attributes[params.get(`MessageAttributes.entry.${i}.Name`)!] = {
      Type: params.get(`MessageAttributes.entry.${i}.Value.DataType`) ?? 'String',
      Value: params.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '',
    };
  }
  return attributes;
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const result = (action: string, inner: string) =>
  `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
}

function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
}

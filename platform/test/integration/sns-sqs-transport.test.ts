import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'chai';
import {
  consumeOnce,
  enqueueEvent,
  eventPublisher,
  Metrics,
  OutboxRelay,
  platformMigrations,
  SnsPublisher,
  sqsEventConsumer,
  SqsEventConsumer,
  type Database,
  type EventEnvelope,
} from '../../src';
import { FakeAws, openTestDatabase, testLogger } from '../../src/testing';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('SNS → SQS event transport (real SDK clients against a fake AWS on 127.0.0.1)', () => {
  let db: Database;
  let aws: FakeAws;

  before(async function () {
    this.timeout(60_000);
    db = await openTestDatabase('platform_sns_sqs', platformMigrations({ outbox: true, inbox: true }));
    await db.knex.schema.createTable('applied', (t) => {
      t.text('event_id').notNullable();
      t.text('payment').notNullable();
    });
    aws = await FakeAws.start();
  });
  after(async () => {
    await aws?.close();
    await db?.close();
  });

  const metrics = () => new Metrics('test', { defaultMetrics: false });
  const sns = () => new SNSClient({ endpoint: aws.url, region: 'us-east-1', credentials });
  const sqs = () => new SQSClient({ endpoint: aws.url, region: 'us-east-1', credentials });

  /** A queue with a DLQ after `maxReceiveCount` receives, subscribed to a topic of its own. */
  function wiring(name: string, maxReceiveCount = 3) {
    aws.createQueue(`${name}-dlq`);
    const queueUrl = aws.createQueue(name, { deadLetter: `${name}-dlq`, maxReceiveCount });
    const topicArn = aws.createTopic(name, [queueUrl]);
    return { queueUrl, topicArn, dlq: aws.queue(`${aws.url}/000000000000/${name}-dlq`) };
  }

  /** The consumer side as a service builds it: the effect and the inbox row in one transaction. */
  function consumer(queueUrl: string, options: { crashAfterCommit?: number; visibilityTimeoutSeconds?: number } = {}) {
    let crashes = options.crashAfterCommit ?? 0;
    return new SqsEventConsumer({
      client: sqs(),
      queueUrl,
      waitTimeSeconds: 1,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 1,
      logger: testLogger(),
      metrics: metrics(),
      async handle(event: EventEnvelope) {
        await consumeOnce(db.knex, event, (trx) =>
          trx('applied').insert({ event_id: event.id, payment: String(event.data.id) }),
        );
        if (crashes > 0) {
          crashes -= 1;
          throw new Error('consumer crashed after commit, before deleting the message');
        }
      },
    });
  }

  async function drain(c: SqsEventConsumer, queueUrl: string) {
    for (let i = 0; i < 50 && aws.queue(queueUrl).messages.length > 0; i += 1) await c.pollOnce();
  }

  const appliedFor = (payment: string) => db.knex('applied').where({ payment });

  it('publishes outbox events to SNS with the event type and id as message attributes', async () => {
    const { queueUrl, topicArn } = wiring('attrs');
    const relay = new OutboxRelay({
      knex: db.knex,
      publisher: new SnsPublisher(sns(), topicArn),
      logger: testLogger(),
      metrics: metrics(),
    });
    const event = await db.knex.transaction((trx) =>
      enqueueEvent(trx, 'payment-service', 'payment.succeeded', { id: 'pay_attrs' }),
    );
    await relay.relayBatch();

    const [body] = aws.queue(queueUrl).bodies();
    const notification = JSON.parse(body!);
    expect(JSON.parse(notification.Message)).to.deep.equal(event);
    expect(notification.MessageAttributes).to.deep.equal({
      event_type: { Type: 'String', Value: 'payment.succeeded' },
      event_id: { Type: 'String', Value: event.id },
      source: { Type: 'String', Value: 'payment-service' },
    });
  });

  it('delivers a batch through SNS and SQS and deletes each message once its handler committed', async () => {
    const { queueUrl, topicArn } = wiring('batch');
    const publisher = new SnsPublisher(sns(), topicArn);
    for (let i = 0; i < 12; i += 1)
      await publisher.publish({
        id: `evt_batch${i}`,
        type: 'payment.succeeded',
        source: 'payment-service',
        time: new Date().toISOString(),
        data: { id: 'pay_batch' },
      });
    const c = consumer(queueUrl);

    expect(await c.pollOnce()).to.equal(10); // SQS's largest batch
    await drain(c, queueUrl);

    expect(await appliedFor('pay_batch')).to.have.length(12);
    expect(aws.queue(queueUrl).messages).to.have.length(0);
  });

  it('redelivers a message whose consumer crashed before deleting it, and the inbox applies it once', async () => {
    const { queueUrl, topicArn } = wiring('crash');
    await new SnsPublisher(sns(), topicArn).publish({
      id: 'evt_crash1',
      type: 'payment.succeeded',
      source: 'payment-service',
      time: new Date().toISOString(),
      data: { id: 'pay_crash' },
    });
    const c = consumer(queueUrl, { crashAfterCommit: 1 });

    expect(await c.pollOnce()).to.equal(0);
    expect(aws.queue(queueUrl).messages).to.have.length(1); // still there, invisible until its timeout
    await drain(c, queueUrl);

    expect(aws.queue(queueUrl).messages).to.have.length(0);
    expect(await appliedFor('pay_crash')).to.have.length(1);
  });

  it('moves a poison message to the dead-letter queue after maxReceiveCount, without blocking the rest', async () => {
    const { queueUrl, topicArn, dlq } = wiring('poison', 2);
    aws.queue(queueUrl).send('this is not an event');
    await new SnsPublisher(sns(), topicArn).publish({
      id: 'evt_afterpoison',
      type: 'payment.succeeded',
      source: 'payment-service',
      time: new Date().toISOString(),
      data: { id: 'pay_after_poison' },
    });
    const c = consumer(queueUrl);

    expect(await c.pollOnce()).to.equal(1); // the good one, in the same batch as the poison
    await drain(c, queueUrl);

    expect(await appliedFor('pay_after_poison')).to.have.length(1);
    expect(dlq.bodies()).to.deep.equal(['this is not an event']);
  });

  it('stops gracefully: the long poll ends and no message is taken after stop', async () => {
    const { queueUrl } = wiring('stop');
    const c = new SqsEventConsumer({
      client: sqs(),
      queueUrl,
      waitTimeSeconds: 20,
      logger: testLogger(),
      metrics: metrics(),
      handle: async () => undefined,
    });
    c.start();
    await c.stop();
    aws.queue(queueUrl).send('{}');
    expect(aws.queue(queueUrl).messages[0]!.receiveCount).to.equal(0);
  });

  describe('configured only by environment, as in a cluster', () => {
    const keys = ['AWS_ENDPOINT_URL_SNS', 'AWS_ENDPOINT_URL_SQS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
    const saved: Record<string, string | undefined> = {};
    beforeEach(() => {
      for (const key of keys) saved[key] = process.env[key];
      process.env.AWS_ENDPOINT_URL_SNS = aws.url;
      process.env.AWS_ENDPOINT_URL_SQS = aws.url;
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
    });
    afterEach(() => {
      for (const key of keys) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    });

    it('publishes to EVENTS_SNS_TOPIC_ARN and consumes EVENTS_SQS_QUEUE_URL at the SDK endpoint variables', async () => {
      const { queueUrl, topicArn } = wiring('fromenv');
      const config = {
        region: 'us-east-1',
        snsTopicArn: topicArn,
        sqsQueueUrl: queueUrl,
        sqsVisibilityTimeoutSeconds: 5,
      };
      const received: EventEnvelope[] = [];
      await eventPublisher(config, []).publish({
        id: 'evt_fromenv',
        type: 'account.balance_changed',
        source: 'transaction-service',
        time: new Date().toISOString(),
        data: { id: 'acct_1' },
      });
      const c = sqsEventConsumer(config, async (event) => void received.push(event), {
        logger: testLogger(),
        metrics: metrics(),
      });

      expect(await c!.pollOnce()).to.equal(1);
      expect(received.map((e) => e.id)).to.deep.equal(['evt_fromenv']);
    });

    it('without a topic or queue, keeps HTTP push and consumes no queue', () => {
      const config = { region: 'us-east-1', sqsVisibilityTimeoutSeconds: 5 };
      expect(eventPublisher(config, []).constructor.name).to.equal('HttpPushPublisher');
      expect(sqsEventConsumer(config, async () => undefined, { logger: testLogger(), metrics: metrics() })).to.equal(
        undefined,
      );
    });
  });
});

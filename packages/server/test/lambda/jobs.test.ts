import '../support/aws-env.js';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../src/adapters/dynamodb/client.js';
import { groupKeyOf } from '../../src/adapters/dynamodb/notifications/keys.js';
import { encodeJob } from '../../src/adapters/sqs/envelope.js';
import { JOBS_BY_QUEUE, queueNames } from '../../src/adapters/sqs/stage-queues.js';
import { SCHEDULED_JOBS } from '../../src/jobs/scheduled-jobs.js';
import { STAGE_CONSUMERS } from '../../src/runtimes/lambda/deployment.js';
import { createSqsHandler, jobFromRecord } from '../../src/runtimes/lambda/sqs-handler.js';
import { invocation, sqsEvent, sqsRecord } from '../support/lambda-events.js';
import { startAwsLocalShape } from '../support/aws-local.js';
import { useTestApp } from '../support/use-test-app.js';

// The SQS handler over the real app on the AWS shape (dynalite, fauxqs): the app enqueues through the real SQS
// JobQueue, the test takes the messages off the stage queues as Lambda's event source mapping would, and hands
// them to the handler. No worker pool runs, so every job runs through the handler.
let shape: Awaited<ReturnType<typeof startAwsLocalShape>>;
let sqs: SQSClient;
let stageUrls: string[];
let handle: ReturnType<typeof createSqsHandler>;

// Registered before the app's hooks: the emulators start before the app and stop after it.
beforeAll(async () => {
  shape = await startAwsLocalShape({});
}, 60_000);
afterAll(() => shape.stop());
// Pages of one follower: an audience of one page is delivered by the plan job itself, so two followers make
// the plan hand its pages to deliver jobs, as a large audience does.
const t = useTestApp(() => ({
  env: { ...shape.env, SQS_QUEUE_PREFIX: 'tweeter-', FANOUT_PAGE_SIZE: '1', FANOUT_BATCH_SIZE: '1' },
  overrides: { workers: false },
}));
beforeAll(async () => {
  sqs = new SQSClient({ endpoint: shape.env['SQS_ENDPOINT'], region: 'us-east-1' });
  stageUrls = await Promise.all(
    Object.keys(JOBS_BY_QUEUE).map(async (key) => {
      const res = await sqs.send(new GetQueueUrlCommand({ QueueName: queueNames('tweeter-', key).name }));
      return res.QueueUrl as string;
    }),
  );
  handle = createSqsHandler(Promise.resolve(t.ctx));
});
afterAll(() => sqs.destroy());

/** What the event source mapping would deliver now: every message on the stage queues, as records (and deleted). */
async function takeQueued(): Promise<SQSRecord[]> {
  const records: SQSRecord[] = [];
  for (const url of stageUrls) {
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    for (const m of got.Messages ?? []) {
      records.push({
        ...sqsRecord(m.Body ?? '', Number(m.Attributes?.ApproximateReceiveCount ?? 1)),
        messageId: m.MessageId as string,
        receiptHandle: m.ReceiptHandle as string,
      });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return records;
}

/** A body as the adapter sends it (one encoding, envelope.ts). */
const body = (name: string, payload: Record<string, unknown>) => encodeJob({ name, payload }, Date.now()).body;

describe('the SQS handler', () => {
  it('runs fan-out from SQS records: plan, then deliver, into the follower feeds', async () => {
    const star = await t.register('sqsstar');
    const fans = [await t.register('sqsfan1'), await t.register('sqsfan2')];
    for (const fan of fans) await t.as(fan, { method: 'PUT', url: '/api/v1/me/followees/sqsstar' });
    await handle(sqsEvent(await takeQueued()), invocation()); // the follows' backfills
    const posted = await t.as(star, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'via sqs' } });

    const plan = await takeQueued();
    // The post's outbox: its fan-out plan and its search indexing.
    expect(plan.map((r) => JSON.parse(r.body).name).sort()).toEqual(['fanout.plan', 'index.status']);
    expect(await handle(sqsEvent(plan), invocation())).toEqual({ batchItemFailures: [] });
    const deliver = await takeQueued();
    expect(deliver.map((r) => JSON.parse(r.body).name)).toEqual(['fanout.deliver', 'fanout.deliver']);
    expect(await handle(sqsEvent(deliver), invocation())).toEqual({ batchItemFailures: [] });

    for (const fan of fans) {
      const feed = (await t.as(fan, { method: 'GET', url: '/api/v1/me/feed' })).json<{ items: { id: string }[] }>();
      expect(feed.items.map((s) => s.id)).toEqual([posted.json<{ id: string }>().id]);
    }
    const delivery = await t.as(star, {
      method: 'GET',
      url: `/api/v1/statuses/${posted.json<{ id: string }>().id}/delivery`,
    });
    expect(delivery.json()).toMatchObject({ state: 'done', audience: 2, delivered: 2 });
  });

  it('runs a batch of notify records together: the group counts every liker once; a malformed one fails alone', async () => {
    const author = await t.register('sqsauthor');
    const likers = await Promise.all(['sqsliker1', 'sqsliker2', 'sqsliker3'].map((a) => t.register(a)));
    await takeQueued(); // the registrations' jobs
    const posted = await t.as(author, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'like me' } });
    const id = posted.json<{ id: string }>().id;
    await takeQueued(); // the post's fan-out and indexing
    for (const liker of likers) await t.as(liker, { method: 'PUT', url: `/api/v1/statuses/${id}/reactions/like` });
    const notify = (await takeQueued()).filter((r) => JSON.parse(r.body).name === 'notify.event');
    expect(notify).toHaveLength(3);
    const malformed = sqsRecord(body('notify.event', { type: 'reaction' }), 1, 'tweeter-notify');
    const replayed = { ...(notify[0] as SQSRecord), messageId: 'replayed' }; // at-least-once: a second copy
    const result = await handle(sqsEvent([...notify, malformed, replayed]), invocation());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: malformed.messageId }]);
    const page = await t.as(author, { method: 'GET', url: '/api/v1/me/notifications' });
    expect(page.json<{ items: { actorCount: number }[] }>().items.map((g) => g.actorCount)).toEqual([3]);
  });

  it('recounts the group of a redelivered notify record (attempts > 1) that a crash left off', async () => {
    const author = await t.register('redauthor');
    const likers = await Promise.all(['redliker1', 'redliker2'].map((a) => t.register(a)));
    await takeQueued();
    const posted = await t.as(author, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'again' } });
    const id = posted.json<{ id: string }>().id;
    await takeQueued();
    for (const liker of likers) await t.as(liker, { method: 'PUT', url: `/api/v1/statuses/${id}/reactions/like` });
    const notify = (await takeQueued()).filter((r) => JSON.parse(r.body).name === 'notify.event');
    expect(notify).toHaveLength(2);
    expect(await handle(sqsEvent(notify), invocation())).toEqual({ batchItemFailures: [] });
    // The group item itself (the page reads a GSI, which may lag).
    const counted = async () => (await t.ctx.store.notifications.get('redauthor', `reaction:like:${id}`))?.actorCount;
    expect(await counted()).toBe(2);
    // The crash: the second liker's entry was written but the group's `ADD actorCount` was lost.
    const aws = t.ctx.config.aws;
    if (!aws) throw new Error('the AWS shape has its settings');
    const doc = createDocumentClient({
      region: 'us-east-1',
      endpoint: aws.endpoints.dynamodb,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await doc.send(
      new UpdateCommand({
        TableName: aws.tables.main,
        Key: groupKeyOf('redauthor', `reaction:like:${id}`),
        UpdateExpression: 'ADD actorCount :by',
        ExpressionAttributeValues: { ':by': -1 },
      }),
    );
    doc.destroy();
    expect(await counted()).toBe(1);
    // SQS hands the unacknowledged message over again (ApproximateReceiveCount 2): its entry is already there, so
    // only the recount repairs the group.
    const again = sqsRecord((notify[1] as SQSRecord).body, 2, 'tweeter-notify');
    expect(await handle(sqsEvent([again]), invocation())).toEqual({ batchItemFailures: [] });
    expect(await counted()).toBe(2);
    const unread = await t.as(author, { method: 'GET', url: '/api/v1/me/notifications/unread-count' });
    expect(unread.json()).toEqual({ count: 1 });
  });

  it('reads the envelope the adapter sent: its job id and enqueue time, attempts from ApproximateReceiveCount', () => {
    const { envelope, body: sent } = encodeJob({ name: 'unfollow.purge', payload: { a: 'é' } }, 1_700_000_000_000);
    const record = sqsRecord(sent, 3);
    expect(jobFromRecord(record)).toEqual({
      id: envelope.id,
      name: 'unfollow.purge',
      payload: { a: 'é' },
      attempts: 3,
      enqueuedAt: 1_700_000_000_000,
      receipt: record.receiptHandle,
    });
  });

  it('fails only the poisoned records of a batch', async () => {
    const good = sqsRecord(body('boards.retention', {}));
    const notJson = sqsRecord('{"name": "fanout.plan", ');
    const oldShape = sqsRecord(JSON.stringify({ name: 'boards.retention', payload: {} }));
    const unknown = sqsRecord(body('no.such.job', {}));
    const malformed = sqsRecord(body('fanout.deliver', { statusId: 1 }));
    const result = await handle(sqsEvent([good, notJson, oldShape, unknown, malformed]), invocation());
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [notJson.messageId, oldShape.messageId, unknown.messageId, malformed.messageId].sort(),
    );
  });

  it('hands back the records it has no time left to start', async () => {
    const records = [sqsRecord(body('boards.retention', {}))];
    const result = await handle(sqsEvent(records), invocation(1000));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.messageId }]);
  });

  it('on a real queue, a poisoned message lands in the DLQ after maxReceiveCount while the good one is done', async () => {
    const fauxqs = await startFauxqs({ port: 0, logger: false });
    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${fauxqs.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs-dlq' }));
      const dlqArn = (
        await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
      ).Attributes?.QueueArn;
      const queue = await sqs.send(
        new CreateQueueCommand({
          QueueName: 'jobs',
          Attributes: {
            VisibilityTimeout: '1',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
          },
        }),
      );
      const url = queue.QueueUrl as string;
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body('boards.retention', {}) }));
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));

      // What Lambda's event source mapping does: receive, invoke, delete what succeeded.
      let done = 0;
      let dead: string[] = [];
      for (let round = 0; round < 30 && dead.length === 0; round++) {
        const got = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        const records = (got.Messages ?? []).map((m) => ({
          ...sqsRecord(m.Body ?? '', Number(m.Attributes?.ApproximateReceiveCount ?? 1)),
          messageId: m.MessageId as string,
          receiptHandle: m.ReceiptHandle as string,
        }));
        if (records.length > 0) {
          const { batchItemFailures } = await handle(sqsEvent(records), invocation());
          const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
          const ok = records.filter((r) => !failed.has(r.messageId));
          done += ok.length;
          if (ok.length > 0) {
            await sqs.send(
              new DeleteMessageBatchCommand({
                QueueUrl: url,
                Entries: ok.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
              }),
            );
          }
        }
        const inDlq = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 0 }));
        dead = (inDlq.Messages ?? []).map((m) => m.Body ?? '');
      }
      expect(done).toBe(1);
      expect(dead).toEqual(['poison']);
    } finally {
      sqs.destroy();
      await fauxqs.stop();
    }
  });
});

describe('the deployment layout', () => {
  it('routes every job to a stage queue by name or schedules it, and nothing to a job no processor runs', async () => {
    const routed = Object.values(JOBS_BY_QUEUE).flat();
    const scheduled = SCHEDULED_JOBS.map((s) => s.job.name);
    expect([...new Set([...routed, ...scheduled])].sort()).toEqual([...t.ctx.jobs.names].sort());
  });

  it('gives every stage queue a consumer function, at least two at once', () => {
    expect(Object.keys(STAGE_CONSUMERS).sort()).toEqual(Object.keys(JOBS_BY_QUEUE).sort());
    for (const spec of Object.values(STAGE_CONSUMERS)) expect(spec.maxConcurrency).toBeGreaterThanOrEqual(2);
  });
});

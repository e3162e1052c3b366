import '../support/aws-env.js';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULED_JOBS } from '../../src/jobs/scheduled-jobs.js';
import { JOB_QUEUES } from '../../src/runtimes/lambda/deployment.js';
import { createSqsHandler } from '../../src/runtimes/lambda/sqs-handler.js';
import { invocation, sqsEvent, sqsRecord } from '../support/lambda-events.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// The SQS and scheduled handlers over the real app; no worker pool runs, so every job runs through them.
let t: TestApp;
let handle: ReturnType<typeof createSqsHandler>;

beforeAll(async () => {
  t = await createTestApp({}, { workers: false });
  handle = createSqsHandler(Promise.resolve(t.ctx));
});
afterAll(async () => t.close());

/** Moves what the app enqueued into SQS-shaped records (the body SQS would carry), acking it locally. */
async function takeQueued(): Promise<SQSRecord[]> {
  const jobs = await t.ctx.queue.receive({ max: 10, visibilityMs: 60_000 });
  for (const job of jobs) await t.ctx.queue.ack(job);
  return jobs.map((job) => sqsRecord(JSON.stringify({ name: job.name, payload: job.payload })));
}

describe('the SQS handler', () => {
  it('runs fan-out from SQS records: plan, then deliver, into the follower feed', async () => {
    const star = await t.register('sqsstar');
    const fan = await t.register('sqsfan');
    await t.as(fan, { method: 'PUT', url: '/api/v1/me/followees/sqsstar' });
    await handle(sqsEvent(await takeQueued()), invocation()); // the follow's backfill
    const posted = await t.as(star, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'via sqs' } });

    const plan = await takeQueued();
    expect(plan.map((r) => JSON.parse(r.body).name)).toEqual(['fanout.plan']);
    expect(await handle(sqsEvent(plan), invocation())).toEqual({ batchItemFailures: [] });
    const deliver = await takeQueued();
    expect(deliver.map((r) => JSON.parse(r.body).name)).toEqual(['fanout.deliver']);
    expect(await handle(sqsEvent(deliver), invocation())).toEqual({ batchItemFailures: [] });

    const feed = (await t.as(fan, { method: 'GET', url: '/api/v1/me/feed' })).json<{ items: { id: string }[] }>();
    expect(feed.items.map((s) => s.id)).toEqual([posted.json<{ id: string }>().id]);
  });

  it('fails only the poisoned records of a batch', async () => {
    const good = sqsRecord(JSON.stringify({ name: 'boards.retention', payload: {} }));
    const notJson = sqsRecord('{"name": "fanout.plan", ');
    const unknown = sqsRecord(JSON.stringify({ name: 'no.such.job', payload: {} }));
    const malformed = sqsRecord(JSON.stringify({ name: 'fanout.deliver', payload: { statusId: 1 } }));
    const result = await handle(sqsEvent([good, notJson, unknown, malformed]), invocation());
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [notJson.messageId, unknown.messageId, malformed.messageId].sort(),
    );
  });

  it('hands back the records it has no time left to start', async () => {
    const records = [sqsRecord(JSON.stringify({ name: 'boards.retention', payload: {} }))];
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
      await sqs.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: '{"name":"boards.retention","payload":{}}' }),
      );
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
  it('gives every job a queue or a schedule, and nothing to a job no processor runs', async () => {
    const queued = JOB_QUEUES.map((q) => q.job);
    const scheduled = SCHEDULED_JOBS.map((s) => s.job.name);
    expect([...queued, ...scheduled].sort()).toEqual(t.ctx.jobs.names.sort());
    for (const q of JOB_QUEUES) expect(q.maxConcurrency).toBeGreaterThanOrEqual(2);
  });
});

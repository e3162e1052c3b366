import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../src/adapters/dynamodb/client.js';
import { createSqsJobQueue } from '../src/adapters/sqs/job-queue.js';
import { JOBS_BY_QUEUE, queueNames, type StageQueueUrls } from '../src/adapters/sqs/stage-queues.js';
import { resolveQueueUrls } from '../src/adapters/sqs/provision.js';
import { EMULATOR_CREDENTIALS, provisionAwsLocal } from '../src/dev/provision.js';
import { systemClock } from '../src/ports/clock.js';
import { MAX_JOB_BYTES, type JobQueue, type QueueRetryPolicy } from '../src/ports/job-queue.js';
import { runQueueContract } from './contract/queue-contract.js';
import { useEmulators } from './support/emulators.js';

const REGION = 'us-east-1';
const emulators = useEmulators();
let run = 0;

/** A queue on fresh stage queues and a fresh table (a new prefix per case), on the shared emulators. */
async function createQueue(retry: QueueRetryPolicy): Promise<{
  queue: JobQueue;
  sqs: SQSClient;
  urls: Record<string, StageQueueUrls>;
  cleanup: () => Promise<void>;
}> {
  run += 1;
  const tables = { main: `t${run}-main`, feeds: `t${run}-feeds` };
  const prefix = `t${run}-`;
  const urls = await provisionAwsLocal({
    region: REGION,
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    sqsEndpoint: emulators.fauxqsEndpoint,
    s3Endpoint: emulators.fauxqsEndpoint,
    tables,
    queuePrefix: prefix,
    bucket: `t${run}-pictures`,
    maxAttempts: retry.maxAttempts,
  });
  const sqs = new SQSClient({ region: REGION, endpoint: emulators.fauxqsEndpoint, credentials: EMULATOR_CREDENTIALS });
  const dynamo = createDocumentClient({
    region: REGION,
    endpoint: emulators.dynamodbEndpoint,
    credentials: EMULATOR_CREDENTIALS,
  });
  const queue = createSqsJobQueue({ sqs, dynamo, table: tables.main, queues: urls, retry, clock: systemClock });
  return {
    queue,
    sqs,
    urls,
    cleanup: async () => {
      sqs.destroy();
      dynamo.destroy();
    },
  };
}

// SQS counts visibility and delays in whole seconds, so the policy is in seconds too.
const retry: QueueRetryPolicy = { maxAttempts: 3, backoffBaseMs: 1_000, maxBackoffMs: 2_000 };

runQueueContract({
  name: 'sqs on fauxqs, dead letters in dynalite',
  manualClock: false,
  retry,
  visibilityMs: 1_000,
  backoffCountsAsInFlight: true,
  releaseCountsAttempt: true,
  create: () => createQueue(retry),
  skip: {
    'stats reports the age of the oldest ready job':
      'SQS reports the age of its oldest message only to CloudWatch (ApproximateAgeOfOldestMessage)',
    'onReady fires on enqueue and on redrive': 'SQS cannot signal readiness; its workers long-poll instead',
    'an in-flight job whose visibility expired counts as ready':
      'SQS counters are approximate: fauxqs (like SQS) moves an expired message back to the visible count only when a receive looks at it; the redelivery itself is covered by the visibility cases',
  },
});

describe('sqs queue specifics', () => {
  let setup: Awaited<ReturnType<typeof createQueue>>;
  beforeAll(async () => {
    setup = await createQueue(retry);
  });
  afterAll(async () => {
    await setup?.cleanup();
  });

  it('routes jobs to their stage queue and receives from one queue alone', async () => {
    const { queue } = setup;
    // One queue (and its DLQ) per stage of JOBS_BY_QUEUE, in its order.
    expect(queue.queues).toEqual(Object.keys(JOBS_BY_QUEUE));
    await queue.enqueue([
      { name: 'fanout.deliver', payload: { n: 1 } },
      { name: 'unfollow.purge', payload: { n: 2 } },
      { name: 'something.else', payload: { n: 3 } },
    ]);
    const feeds = await queue.receive({ max: 10, visibilityMs: 60_000, queue: 'feeds' });
    expect(feeds.map((job) => job.name)).toEqual(['unfollow.purge']);
    const fanout = await queue.receive({ max: 10, visibilityMs: 60_000, queue: 'fanout' });
    expect(fanout.map((job) => job.name)).toEqual(['fanout.deliver']);
    const rest = await queue.receive({ max: 10, visibilityMs: 60_000, queue: 'maintenance' });
    expect(rest.map((job) => job.name)).toEqual(['something.else']);
    await Promise.all([...feeds, ...fanout, ...rest].map((job) => queue.ack(job)));
  });

  it('sends 25 jobs in batches and receives at most 10 a call', async () => {
    const { queue } = setup;
    await queue.enqueue(Array.from({ length: 25 }, (_, n) => ({ name: 'fanout.deliver', payload: { n } })));
    const first = await queue.receive({ max: 50, visibilityMs: 60_000, queue: 'fanout' });
    expect(first).toHaveLength(10);
    const seen = new Set(first.map((job) => job.payload['n']));
    for (let i = 0; i < 10 && seen.size < 25; i += 1) {
      const more = await queue.receive({ max: 10, visibilityMs: 60_000, queue: 'fanout' });
      for (const job of more) seen.add(job.payload['n']);
      first.push(...more);
    }
    expect(seen.size).toBe(25);
    await Promise.all(first.map((job) => queue.ack(job)));
  });

  it('refuses an oversize job at enqueue with a clear error, sending nothing', async () => {
    const { queue } = setup;
    const before = await queue.stats();
    await expect(
      queue.enqueue([
        { name: 'fanout.deliver', payload: { ok: true } },
        { name: 'fanout.deliver', payload: { aliases: 'x'.repeat(MAX_JOB_BYTES) } },
      ]),
    ).rejects.toThrow(/job "fanout.deliver" is \d+ bytes as JSON, over the 65536-byte limit/);
    expect((await queue.stats()).ready).toBe(before.ready);
  });

  it('refuses delays over 15 minutes and visibility over 12 hours', async () => {
    const { queue } = setup;
    await expect(queue.enqueue([{ name: 'x', payload: {}, delayMs: 15 * 60_000 + 1 }])).rejects.toThrow(
      /delayMs must be from 0 to 900000/,
    );
    await expect(queue.receive({ max: 1, visibilityMs: 12 * 3_600_000 + 1 })).rejects.toThrow(/at most 43200000/);
  });

  it('long-polls: a receive waiting on an empty queue returns the job sent meanwhile', async () => {
    const { queue } = setup;
    const waiting = queue.receive({ max: 1, visibilityMs: 60_000, queue: 'feeds', waitMs: 20_000 });
    await queue.enqueue([{ name: 'follow.backfill', payload: { late: true } }]);
    const [job] = await waiting;
    expect(job?.payload).toEqual({ late: true });
    if (job) await queue.ack(job);
  });

  it('a message SQS moved to the DLQ by itself (a crash loop) is listed and can be redriven', async () => {
    const { queue, sqs, urls } = setup;
    const dlqUrl = urls['maintenance']?.dlqUrl;
    const body = JSON.stringify({
      id: '00000000a-0123456789ab',
      name: 'status.purge',
      payload: { s: 1 },
      enqueuedAt: 1,
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: body }));
    const dead = await queue.listDead({ limit: 10 });
    expect(dead).toContainEqual(
      expect.objectContaining({ id: '00000000a-0123456789ab', name: 'status.purge', payload: { s: 1 } }),
    );
    const found = dead.find((job) => job.id === '00000000a-0123456789ab');
    expect(found?.lastError).toMatch(/maxReceiveCount/);
    expect(await queue.redrive(['00000000a-0123456789ab'])).toBe(1);
    const [job] = await queue.receive({ max: 1, visibilityMs: 60_000, queue: 'maintenance', waitMs: 5_000 });
    expect(job).toMatchObject({ id: '00000000a-0123456789ab', attempts: 1, payload: { s: 1 } });
    if (job) await queue.ack(job);
  });

  it('a missing queue fails at start with one message naming it and the setting', async () => {
    await expect(resolveQueueUrls(setup.sqs, 'nobody-made-these-')).rejects.toThrow(
      `SQS queue "${queueNames('nobody-made-these-', 'fanout').name}" does not exist (SQS_QUEUE_PREFIX, AWS_REGION)`,
    );
  });
});

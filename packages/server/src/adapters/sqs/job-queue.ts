// The JobQueue on SQS: one standard queue per stage (routes.ts), each with its own dead-letter queue whose redrive
// policy (maxReceiveCount above JOB_MAX_ATTEMPTS) only catches crash loops. Retries are ours: a failed job is made
// invisible for its backoff (ChangeMessageVisibility, full jitter) and its attempts are SQS's ApproximateReceiveCount.
// A job out of attempts is sent to its DLQ with its error; listing or redriving moves DLQ messages into records in
// DynamoDB (dead-letters.ts), which can be listed with their errors and redriven by id.

import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../ports/clock.js';
import {
  MAX_VISIBILITY_MS,
  checkDelays,
  checkRetryPolicy,
  checkVisibility,
  retryDelayMs,
  type Job,
  type JobQueue,
  type QueueRetryPolicy,
  type QueueStats,
} from '../../ports/job-queue.js';
import { DeadLetterRecords, type DeadRecord } from './dead-letters.js';
import {
  MAX_ERROR_CHARS,
  decodeEnvelope,
  encodeJob,
  isJobId,
  newJobId,
  toBody,
  type DeadEnvelope,
} from './envelope.js';
import { QUEUE_ROUTES, routeOf } from './routes.js';

/** The URLs of one stage's queue and of its dead-letter queue. */
export interface StageQueueUrls {
  url: string;
  dlqUrl: string;
}

export interface SqsJobQueueOptions {
  sqs: SQSClient;
  /** Document client and main table for the dead-letter records. */
  dynamo: DynamoDBDocumentClient;
  table: string;
  /** Queue key (routes.ts) → its URLs, for every key of QUEUE_ROUTES; a promise while they are being looked up. */
  queues: Readonly<Record<string, StageQueueUrls>> | Promise<Readonly<Record<string, StageQueueUrls>>>;
  retry: QueueRetryPolicy;
  clock: Clock;
}

/** SQS's limits: 10 messages a batch call, 256 KiB a batch, 20 s of long polling. */
const BATCH_MAX = 10;
const BATCH_BYTES = 256 * 1024 - 4 * 1024;
const MAX_WAIT_SECONDS = 20;
/** DLQ messages taken into records by one listing or redrive, so an admin call stays bounded. */
const ABSORB_MAX = 1_000;

const STALE_RECEIPT = new Set(['ReceiptHandleIsInvalid', 'MessageNotInflight', 'InvalidParameterValue']);

/** Creates the SQS-backed job queue; the queues and table must exist (see provision.ts). */
export function createSqsJobQueue(options: SqsJobQueueOptions): JobQueue {
  const { sqs, retry, clock } = options;
  checkRetryPolicy(retry);
  const keys = Object.keys(QUEUE_ROUTES);
  const records = new DeadLetterRecords(options.dynamo, options.table);
  let rotation = 0;
  let queues: Readonly<Record<string, StageQueueUrls>> | null = null;
  const resolving = Promise.resolve(options.queues).then((found) => {
    for (const key of keys) if (!found[key]) throw new RangeError(`no SQS queue is configured for "${key}"`);
    queues = found;
    return found;
  });
  resolving.catch(() => undefined);

  const stage = (key: string): StageQueueUrls => {
    const urls = queues?.[key];
    if (!urls) throw new RangeError(`no SQS queue is configured for "${key}"`);
    return urls;
  };
  /** Every operation starts here: the queue URLs are known from then on. */
  const ready = async (): Promise<void> => {
    if (!queues) await resolving;
  };

  /** Receipt = queue key, receive time and SQS receipt handle: ack/fail must reach the queue that delivered it. */
  const encodeReceipt = (key: string, receivedAt: number, handle: string): string => `${key}|${receivedAt}|${handle}`;
  const decodeReceipt = (receipt: string): { key: string; receivedAt: number; handle: string } | null => {
    const [key, at, ...rest] = receipt.split('|');
    const handle = rest.join('|');
    if (!key || !queues?.[key] || !handle || !Number.isFinite(Number(at))) return null;
    return { key, receivedAt: Number(at), handle };
  };

  async function sendToDlq(key: string, dead: DeadEnvelope): Promise<void> {
    await sqs.send(new SendMessageCommand({ QueueUrl: stage(key).dlqUrl, MessageBody: toBody(dead) }));
  }

  /** Receives from one queue; buries what is unreadable or has lapsed its last attempt. */
  async function receiveFrom(key: string, max: number, visibilityMs: number, waitSeconds: number): Promise<Job[]> {
    const { url } = stage(key);
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: max,
        VisibilityTimeout: Math.ceil(visibilityMs / 1000),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const now = clock.now();
    const jobs: Job[] = [];
    for (const message of res.Messages ?? []) {
      const job = await admit(key, message, now);
      if (job) jobs.push(job);
    }
    return jobs;
  }

  async function admit(key: string, message: Message, now: number): Promise<Job | null> {
    const handle = message.ReceiptHandle ?? '';
    const envelope = decodeEnvelope(message.Body);
    const attempts = Number(message.Attributes?.['ApproximateReceiveCount'] ?? '1');
    if (envelope && attempts <= retry.maxAttempts) {
      const { id, name, payload, enqueuedAt } = envelope;
      return { id, name, payload, attempts, enqueuedAt, receipt: encodeReceipt(key, now, handle) };
    }
    // Out of attempts without an ack or fail (a crashed or too slow worker), or not a job at all: dead.
    const dead: DeadEnvelope = envelope
      ? {
          ...envelope,
          attempts: attempts - 1,
          lastError: `visibility timeout expired on attempt ${attempts - 1} of ${retry.maxAttempts}`,
          diedAt: now,
        }
      : {
          id: newJobId(now),
          name: '(unreadable message)',
          payload: { body: (message.Body ?? '').slice(0, MAX_ERROR_CHARS) },
          enqueuedAt: now,
          attempts,
          lastError: 'the message body is not a job envelope',
          diedAt: now,
        };
    await sendToDlq(key, dead);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: stage(key).url, ReceiptHandle: handle }));
    return null;
  }

  /** Moves DLQ messages into records (put once, then delete), so they can be listed and redriven by id. */
  async function absorb(): Promise<void> {
    for (const key of keys) {
      const { dlqUrl } = stage(key);
      for (let taken = 0; taken < ABSORB_MAX;) {
        const res = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            MaxNumberOfMessages: BATCH_MAX,
            VisibilityTimeout: 60,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        );
        const messages = res.Messages ?? [];
        if (messages.length === 0) break;
        taken += messages.length;
        for (const message of messages) {
          await records.put(deadRecord(key, message, clock.now(), retry.maxAttempts));
          await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
    }
  }

  async function sendBatch(url: string, bodies: { id: string; body: string; delaySeconds: number }[]): Promise<void> {
    let pending = bodies;
    for (let round = 0; pending.length > 0; round += 1) {
      if (round >= 5) throw new Error(`SQS failed to take ${pending.length} job(s) five times: ${url}`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** round));
      const res = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: pending.map((entry, i) => ({
            Id: String(i),
            MessageBody: entry.body,
            DelaySeconds: entry.delaySeconds,
          })),
        }),
      );
      const failures = res.Failed ?? [];
      // A sender fault (a body SQS will never take) is a bug: retrying cannot help.
      const refused = failures.find((failure) => failure.SenderFault);
      if (refused) throw new Error(`SQS refused a job: ${refused.Code ?? 'error'}: ${refused.Message ?? ''} (${url})`);
      const failed = new Set(failures.map((failure) => failure.Id));
      pending = pending.filter((_, i) => failed.has(String(i)));
    }
  }

  /** Sends bodies to their queues in batches of at most 10 messages and 252 KiB. */
  async function sendAll(byQueue: Map<string, { id: string; body: string; delaySeconds: number }[]>): Promise<void> {
    const calls: Promise<void>[] = [];
    for (const [url, bodies] of byQueue) {
      let batch: typeof bodies = [];
      let bytes = 0;
      for (const entry of bodies) {
        const size = Buffer.byteLength(entry.body);
        if (batch.length === BATCH_MAX || bytes + size > BATCH_BYTES) {
          calls.push(sendBatch(url, batch));
          batch = [];
          bytes = 0;
        }
        batch.push(entry);
        bytes += size;
      }
      if (batch.length > 0) calls.push(sendBatch(url, batch));
    }
    await Promise.all(calls);
  }

  return {
    queues: keys,

    async enqueue(jobs) {
      if (jobs.length === 0) return;
      checkDelays(jobs);
      await ready();
      const now = clock.now();
      const byQueue = new Map<string, { id: string; body: string; delaySeconds: number }[]>();
      for (const job of jobs) {
        const { envelope, body } = encodeJob(job, now);
        const url = stage(routeOf(job.name)).url;
        const list = byQueue.get(url) ?? [];
        list.push({ id: envelope.id, body, delaySeconds: Math.ceil((job.delayMs ?? 0) / 1000) });
        byQueue.set(url, list);
      }
      await sendAll(byQueue);
    },

    async receive({ max, visibilityMs, queue, waitMs }) {
      checkVisibility(visibilityMs);
      await ready();
      let wanted = Math.min(Math.floor(max), BATCH_MAX);
      if (wanted < 1) return [];
      if (queue !== undefined) {
        const waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.ceil((waitMs ?? 0) / 1000));
        return receiveFrom(queue, wanted, visibilityMs, waitSeconds);
      }
      // No queue named: a short poll of each, in turn, so no queue starves another.
      const jobs: Job[] = [];
      const start = rotation++;
      for (let i = 0; i < keys.length && wanted > 0; i += 1) {
        const key = keys[(start + i) % keys.length] as string;
        const got = await receiveFrom(key, wanted, visibilityMs, 0);
        jobs.push(...got);
        wanted -= got.length;
      }
      return jobs;
    },

    async ack(job) {
      await ready();
      const receipt = decodeReceipt(job.receipt);
      if (!receipt) return;
      try {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: stage(receipt.key).url, ReceiptHandle: receipt.handle }));
      } catch (err) {
        if (!STALE_RECEIPT.has(errorName(err))) throw err;
      }
    },

    async fail(job, error) {
      await ready();
      const receipt = decodeReceipt(job.receipt);
      if (!receipt) return 'retry';
      const { url } = stage(receipt.key);
      const now = clock.now();
      const dying = job.attempts >= retry.maxAttempts;
      // Visibility may not reach past 12 hours from the receive.
      const room = Math.max(0, MAX_VISIBILITY_MS - (now - receipt.receivedAt) - 60_000);
      const holdMs = dying ? Math.min(60_000, room) : Math.min(retryDelayMs(retry, job.attempts), room);
      try {
        // Also proves the receipt is still the current one: a stale receipt changes nothing.
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: receipt.handle,
            VisibilityTimeout: Math.ceil(holdMs / 1000),
          }),
        );
      } catch (err) {
        if (STALE_RECEIPT.has(errorName(err))) return 'retry';
        throw err;
      }
      if (!dying) return 'retry';
      const lastError = error.slice(0, MAX_ERROR_CHARS);
      const { id, name, payload, enqueuedAt, attempts } = job;
      await sendToDlq(receipt.key, { id, name, payload, enqueuedAt, attempts, lastError, diedAt: now });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receipt.handle }));
      return 'dead';
    },

    async stats() {
      await ready();
      const stats: QueueStats = { ready: 0, inFlight: 0, delayed: 0, dead: 0 };
      const counts = await Promise.all(
        keys.flatMap((key) => [attributes(sqs, stage(key).url), attributes(sqs, stage(key).dlqUrl)]),
      );
      counts.forEach((c, i) => {
        if (i % 2 === 0) {
          stats.ready += c.visible;
          stats.inFlight += c.notVisible;
          stats.delayed += c.delayed;
        } else {
          stats.dead += c.visible + c.notVisible + c.delayed;
        }
      });
      stats.dead += await records.count();
      return stats;
    },

    async listDead({ limit, after }) {
      if (after !== undefined && !isJobId(after)) throw new RangeError(`invalid dead job id: ${after}`);
      await ready();
      await absorb();
      const page = await records.page(Math.max(0, Math.floor(limit)), after);
      return page.map(({ queue: _queue, ...dead }) => dead);
    },

    async redrive(ids) {
      await ready();
      await absorb();
      let found: DeadRecord[];
      if (ids === 'all') {
        found = [];
        for (let after: string | undefined; ;) {
          const page = await records.page(100, after);
          found.push(...page);
          if (page.length < 100) break;
          after = page.at(-1)?.id;
        }
      } else {
        found = await records.get([...new Set(ids)].filter(isJobId));
      }
      if (found.length === 0) return 0;
      // Send first, then remove the record: a crash in between runs the job twice (jobs are idempotent), never zero times.
      const byQueue = new Map<string, { id: string; body: string; delaySeconds: number }[]>();
      for (const record of found) {
        const url = stage(keys.includes(record.queue) ? record.queue : routeOf(record.name)).url;
        const body = toBody({
          id: record.id,
          name: record.name,
          payload: record.payload,
          enqueuedAt: record.enqueuedAt,
        });
        const list = byQueue.get(url) ?? [];
        list.push({ id: record.id, body, delaySeconds: 0 });
        byQueue.set(url, list);
      }
      await sendAll(byQueue);
      let moved = 0;
      for (const record of found) if (await records.remove(record.id)) moved += 1;
      return moved;
    },
  };
}

/** A DLQ message as a record: one sent by fail() carries its error; one SQS moved itself was a crash loop. */
function deadRecord(queue: string, message: Message, now: number, maxAttempts: number): DeadRecord {
  const envelope = decodeEnvelope(message.Body);
  if (!envelope) {
    return {
      id: newJobId(now),
      name: '(unreadable message)',
      payload: { body: (message.Body ?? '').slice(0, MAX_ERROR_CHARS) },
      attempts: 0,
      lastError: 'the message body is not a job envelope',
      enqueuedAt: now,
      diedAt: now,
      queue,
    };
  }
  return {
    id: envelope.id,
    name: envelope.name,
    payload: envelope.payload,
    enqueuedAt: envelope.enqueuedAt,
    attempts: envelope.attempts ?? maxAttempts,
    lastError:
      envelope.lastError ??
      'SQS moved it to the dead-letter queue after its maxReceiveCount: workers kept crashing or timing out on it',
    diedAt: envelope.diedAt ?? now,
    queue,
  };
}

async function attributes(
  sqs: SQSClient,
  url: string,
): Promise<{ visible: number; notVisible: number; delayed: number }> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const a = res.Attributes ?? {};
  return {
    visible: Number(a['ApproximateNumberOfMessages'] ?? 0),
    notVisible: Number(a['ApproximateNumberOfMessagesNotVisible'] ?? 0),
    delayed: Number(a['ApproximateNumberOfMessagesDelayed'] ?? 0),
  };
}

function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err && typeof err.name === 'string' ? err.name : '';
}

// The JobQueue on SQS: one standard queue per stage (stage-queues.ts), each with its own dead-letter queue whose redrive
// policy (maxReceiveCount above JOB_MAX_ATTEMPTS) only catches crash loops. Retries are ours: a failed job is made
// invisible for its backoff (ChangeMessageVisibility, full jitter) and its attempts are SQS's ApproximateReceiveCount.
// A job out of attempts goes to its stage's DLQ with its error; listing and redriving dead jobs is the dead-letter
// half's (dead-letter-queue.ts). All the queue's state (the stage URLs, the receive rotation) lives in one closure.

import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
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
  type QueueStats,
  type QueueRetryPolicy,
} from '../../ports/job-queue.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { MAX_ERROR_CHARS, decodeEnvelope, encodeJob } from './envelope.js';
import { JOBS_BY_QUEUE, queueOf, type StageQueueUrls } from './stage-queues.js';
import { BATCH_MAX, addOutgoing, changeVisibilities, queueDepth, sendAll, type Outgoing } from './sqs-calls.js';

export interface SqsJobQueueOptions {
  sqs: SQSClient;
  /** Document client and main table for the dead-letter records. */
  dynamo: DynamoDBDocumentClient;
  table: string;
  /** Queue key (stage-queues.ts) → its URLs, for every key of JOBS_BY_QUEUE; a promise while they are being looked up. */
  queues: Readonly<Record<string, StageQueueUrls>> | Promise<Readonly<Record<string, StageQueueUrls>>>;
  retry: QueueRetryPolicy;
  clock: Clock;
}

/** SQS long-polls for at most 20 s. */
const MAX_WAIT_SECONDS = 20;

/** What SQS answers for a receipt that is no longer the message's current one (someone else has the job now). */
const STALE_RECEIPT = new Set(['ReceiptHandleIsInvalid', 'MessageNotInflight', 'InvalidParameterValue']);

/** Creates the SQS-backed job queue; the queues and table must exist (see provision.ts). */
export function createSqsJobQueue(options: SqsJobQueueOptions): JobQueue {
  const { sqs, retry, clock } = options;
  checkRetryPolicy(retry);
  const keys = Object.keys(JOBS_BY_QUEUE);
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
  const dead = createDeadLetterQueue({
    sqs,
    dynamo: options.dynamo,
    table: options.table,
    keys,
    stage,
    maxAttempts: retry.maxAttempts,
    clock,
  });

  /** Receipt = queue key, receive time and SQS receipt handle: ack/fail must reach the queue that delivered it. */
  const encodeReceipt = (key: string, receivedAt: number, handle: string): string => `${key}|${receivedAt}|${handle}`;
  const decodeReceipt = (receipt: string): { key: string; receivedAt: number; handle: string } | null => {
    const [key, at, ...rest] = receipt.split('|');
    const handle = rest.join('|');
    if (!key || !queues?.[key] || !handle || !Number.isFinite(Number(at))) return null;
    return { key, receivedAt: Number(at), handle };
  };

  /** Receives from one queue; buries what is unreadable or has lapsed its last attempt. */
  async function receiveFrom(key: string, max: number, visibilityMs: number, waitSeconds: number): Promise<Job[]> {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stage(key).url,
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

  /**
   * Sets each job's visibility to `visibilityMs` from now (clipped to what is left of SQS's 12 hours since its
   * receive) with ChangeMessageVisibilityBatch, per queue; returns the jobs it was set for. `release`: 0 for all.
   */
  async function changeVisibility(jobs: readonly Job[], visibilityMs: number | 'release'): Promise<Job[]> {
    await ready();
    const now = clock.now();
    const byQueue = new Map<string, { job: Job; handle: string; seconds: number }[]>();
    for (const job of jobs) {
      const receipt = decodeReceipt(job.receipt);
      if (!receipt) continue;
      let seconds = 0;
      if (visibilityMs !== 'release') {
        const room = MAX_VISIBILITY_MS - (now - receipt.receivedAt) - 60_000;
        seconds = Math.floor(Math.min(Math.ceil(visibilityMs / 1000) * 1000, room) / 1000);
        if (seconds < 1) continue; // its 12 hours are used up: it keeps the lease it has
      }
      const list = byQueue.get(receipt.key) ?? [];
      list.push({ job, handle: receipt.handle, seconds });
      byQueue.set(receipt.key, list);
    }
    const changed = await Promise.all(
      [...byQueue].map(async ([key, entries]) => {
        const done = await changeVisibilities(sqs, stage(key).url, entries, STALE_RECEIPT);
        return entries.filter((_, i) => done[i]).map((entry) => entry.job);
      }),
    );
    return changed.flat();
  }

  async function admit(key: string, message: Message, now: number): Promise<Job | null> {
    const handle = message.ReceiptHandle ?? '';
    const envelope = decodeEnvelope(message.Body);
    const attempts = Number(message.Attributes?.['ApproximateReceiveCount'] ?? '1');
    if (envelope && attempts <= retry.maxAttempts) {
      const { id, name, payload, enqueuedAt } = envelope;
      return { id, name, payload, attempts, enqueuedAt, receipt: encodeReceipt(key, now, handle) };
    }
    await dead.bury(key, dead.lapsed(envelope, message, attempts, now));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: stage(key).url, ReceiptHandle: handle }));
    return null;
  }

  return {
    queues: keys,

    async enqueue(jobs) {
      if (jobs.length === 0) return;
      checkDelays(jobs);
      await ready();
      const now = clock.now();
      const outgoing: Outgoing = new Map();
      for (const job of jobs) {
        const { body } = encodeJob(job, now);
        const delaySeconds = Math.ceil((job.delayMs ?? 0) / 1000);
        addOutgoing(outgoing, stage(queueOf(job.name)).url, { body, delaySeconds });
      }
      await sendAll(sqs, outgoing);
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

    async extend(jobs, visibilityMs) {
      checkVisibility(visibilityMs);
      return changeVisibility(jobs, visibilityMs);
    },

    async release(jobs) {
      await changeVisibility(jobs, 'release');
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
      await dead.bury(receipt.key, { id, name, payload, enqueuedAt, attempts, lastError, diedAt: now });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receipt.handle }));
      return 'dead';
    },

    async stats() {
      await ready();
      const [depths, deadCount] = await Promise.all([
        Promise.all(keys.map((key) => queueDepth(sqs, stage(key).url))),
        dead.count(),
      ]);
      const stats: QueueStats = { ready: 0, inFlight: 0, delayed: 0, dead: deadCount };
      for (const depth of depths) {
        stats.ready += depth.visible;
        stats.inFlight += depth.notVisible;
        stats.delayed += depth.delayed;
      }
      return stats;
    },

    async listDead(query) {
      await ready();
      return dead.list(query);
    },

    async redrive(ids) {
      await ready();
      return dead.redrive(ids);
    },
  };
}

function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err && typeof err.name === 'string' ? err.name : '';
}

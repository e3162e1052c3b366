// The dead-letter half of the SQS queue. A job dies into its stage's DLQ: sent there by the adapter with its error
// (out of attempts, lapsed, or not a job at all), or moved there by SQS itself after maxReceiveCount (a crash loop).
// SQS cannot list a DLQ or take one message out by id, so listing and redriving first absorb the DLQ messages into
// records in DynamoDB (dead-letters.ts), which are listed with their errors and redriven by id.

import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../ports/clock.js';
import type { DeadJob } from '../../ports/job-queue.js';
import { DeadLetterRecords, type DeadRecord } from './dead-letters.js';
import {
  MAX_ERROR_CHARS,
  decodeEnvelope,
  isJobId,
  newJobId,
  toBody,
  type DeadEnvelope,
  type Envelope,
} from './envelope.js';
import { queueOf, type StageQueueUrls } from './stage-queues.js';
import { BATCH_MAX, addOutgoing, queueDepth, sendAll, type Outgoing } from './sqs-calls.js';

/** DLQ messages taken into records by one listing or redrive, so an admin call stays bounded. */
const ABSORB_MAX = 1_000;

export interface DeadLetterQueueOptions {
  sqs: SQSClient;
  /** Document client and main table for the dead-letter records. */
  dynamo: DynamoDBDocumentClient;
  table: string;
  /** The stage queue keys, and their URLs (called once the queue has looked them up). */
  keys: readonly string[];
  stage: (key: string) => StageQueueUrls;
  maxAttempts: number;
  clock: Clock;
}

export interface DeadLetterQueue {
  /** Sends a dead job to the DLQ of stage `key`. */
  bury(key: string, dead: DeadEnvelope): Promise<void>;
  /**
   * The dead envelope of a received message that may not run again: out of attempts without an ack or fail (its
   * worker crashed or was too slow), or `envelope` null (not a job at all).
   */
  lapsed(envelope: Envelope | null, message: Message, attempts: number, now: number): DeadEnvelope;
  /** Dead jobs in id order after `after`, at most `limit`. */
  list(options: { limit: number; after?: string }): Promise<DeadJob[]>;
  /** Sends dead jobs back to their stage queues with fresh attempts; returns how many. */
  redrive(ids: readonly string[] | 'all'): Promise<number>;
  /** Dead jobs: records, plus DLQ messages not absorbed yet (approximate, as SQS counts). */
  count(): Promise<number>;
}

export function createDeadLetterQueue(options: DeadLetterQueueOptions): DeadLetterQueue {
  const { sqs, keys, stage, maxAttempts, clock } = options;
  const records = new DeadLetterRecords(options.dynamo, options.table);

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
          await records.put(deadRecord(key, message, clock.now()));
          await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
    }
  }

  /** A DLQ message as a record: one the adapter sent carries its error; one SQS moved itself was a crash loop. */
  function deadRecord(queue: string, message: Message, now: number): DeadRecord {
    const envelope = decodeEnvelope(message.Body);
    if (!envelope) return { ...unreadable(message, now), attempts: 0, queue };
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

  /** Every record, in id order. */
  async function everyRecord(): Promise<DeadRecord[]> {
    const found: DeadRecord[] = [];
    for (let after: string | undefined; ;) {
      const page = await records.page(100, after);
      found.push(...page);
      if (page.length < 100) return found;
      after = page.at(-1)?.id;
    }
  }

  return {
    async bury(key, dead) {
      await sqs.send(new SendMessageCommand({ QueueUrl: stage(key).dlqUrl, MessageBody: toBody(dead) }));
    },

    lapsed(envelope, message, attempts, now) {
      if (!envelope) return { ...unreadable(message, now), attempts };
      return {
        ...envelope,
        attempts: attempts - 1,
        lastError: `visibility timeout expired on attempt ${attempts - 1} of ${maxAttempts}`,
        diedAt: now,
      };
    },

    async list({ limit, after }) {
      if (after !== undefined && !isJobId(after)) throw new RangeError(`invalid dead job id: ${after}`);
      await absorb();
      const page = await records.page(Math.max(0, Math.floor(limit)), after);
      return page.map(({ queue: _queue, ...dead }) => dead);
    },

    async redrive(ids) {
      await absorb();
      const found = ids === 'all' ? await everyRecord() : await records.get([...new Set(ids)].filter(isJobId));
      if (found.length === 0) return 0;
      // Send first, then remove the record: a crash in between runs the job twice (jobs are idempotent), never zero times.
      const outgoing: Outgoing = new Map();
      for (const record of found) {
        const url = stage(keys.includes(record.queue) ? record.queue : queueOf(record.name)).url;
        const { id, name, payload, enqueuedAt } = record;
        addOutgoing(outgoing, url, { body: toBody({ id, name, payload, enqueuedAt }), delaySeconds: 0 });
      }
      await sendAll(sqs, outgoing);
      let moved = 0;
      for (const record of found) if (await records.remove(record.id)) moved += 1;
      return moved;
    },

    async count() {
      const [depths, recorded] = await Promise.all([
        Promise.all(keys.map((key) => queueDepth(sqs, stage(key).dlqUrl))),
        records.count(),
      ]);
      return depths.reduce((sum, d) => sum + d.visible + d.notVisible + d.delayed, recorded);
    },
  };
}

/** A message whose body is not a job envelope, kept (cut short) so an operator can see what it was. */
function unreadable(message: Message, now: number): Omit<DeadEnvelope, 'attempts'> {
  return {
    id: newJobId(now),
    name: '(unreadable message)',
    payload: { body: (message.Body ?? '').slice(0, MAX_ERROR_CHARS) },
    enqueuedAt: now,
    lastError: 'the message body is not a job envelope',
    diedAt: now,
  };
}

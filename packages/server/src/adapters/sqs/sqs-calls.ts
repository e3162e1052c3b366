// The SQS calls both halves of the queue make, the stage queues (job-queue.ts) and their dead letters
// (dead-letter-queue.ts): sends batched within SQS's limits, and a queue's approximate depth.

import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** SQS's limits: 10 messages a batch call, 256 KiB a batch (less a margin for the request's own fields). */
export const BATCH_MAX = 10;
const BATCH_BYTES = 256 * 1024 - 4 * 1024;

/** One message to send: its body and how long SQS holds it before it can be received. */
export interface OutgoingMessage {
  body: string;
  delaySeconds: number;
}

/** Queue URL → the messages to send to it. */
export type Outgoing = Map<string, OutgoingMessage[]>;

/** Adds a message to those bound for `url`. */
export function addOutgoing(outgoing: Outgoing, url: string, message: OutgoingMessage): void {
  const list = outgoing.get(url) ?? [];
  list.push(message);
  outgoing.set(url, list);
}

/** Sends every message to its queue in batches of at most 10 messages and 252 KiB, the batches in parallel. */
export async function sendAll(sqs: SQSClient, outgoing: Outgoing): Promise<void> {
  const calls: Promise<void>[] = [];
  for (const [url, messages] of outgoing) {
    let batch: OutgoingMessage[] = [];
    let bytes = 0;
    for (const message of messages) {
      const size = Buffer.byteLength(message.body);
      if (batch.length === BATCH_MAX || bytes + size > BATCH_BYTES) {
        calls.push(sendBatch(sqs, url, batch));
        batch = [];
        bytes = 0;
      }
      batch.push(message);
      bytes += size;
    }
    if (batch.length > 0) calls.push(sendBatch(sqs, url, batch));
  }
  await Promise.all(calls);
}

/** One batch call, re-sending the entries SQS failed on its side (up to five rounds, with jittered waits). */
async function sendBatch(sqs: SQSClient, url: string, messages: readonly OutgoingMessage[]): Promise<void> {
  let pending = messages;
  for (let round = 0; pending.length > 0; round += 1) {
    if (round >= 5) throw new Error(`SQS failed to take ${pending.length} job(s) five times: ${url}`);
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** round));
    const res = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: pending.map((message, i) => ({
          Id: String(i),
          MessageBody: message.body,
          DelaySeconds: message.delaySeconds,
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

/**
 * Sets the visibility of received messages of one queue (ChangeMessageVisibilityBatch, 10 a call, the calls in
 * parallel); returns, per entry, whether it was set. An entry refused with a code in `stale` (its receipt is no
 * longer current) is simply not set; any other refusal throws.
 */
export async function changeVisibilities(
  sqs: SQSClient,
  url: string,
  entries: readonly { handle: string; seconds: number }[],
  stale: ReadonlySet<string>,
): Promise<boolean[]> {
  const done = entries.map(() => true);
  const calls: Promise<void>[] = [];
  for (let start = 0; start < entries.length; start += BATCH_MAX) {
    const slice = entries.slice(start, start + BATCH_MAX);
    calls.push(
      sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: url,
            Entries: slice.map((entry, i) => ({
              Id: String(start + i),
              ReceiptHandle: entry.handle,
              VisibilityTimeout: entry.seconds,
            })),
          }),
        )
        .then((res) => {
          for (const failure of res.Failed ?? []) {
            if (!stale.has(failure.Code ?? '')) {
              throw new Error(`SQS refused a visibility change: ${failure.Code ?? 'error'}: ${failure.Message ?? ''}`);
            }
            done[Number(failure.Id)] = false;
          }
        }),
    );
  }
  await Promise.all(calls);
  return done;
}

/** A queue's approximate message counts (SQS's counters lag by up to a minute). */
export interface QueueDepth {
  visible: number;
  notVisible: number;
  delayed: number;
}

export async function queueDepth(sqs: SQSClient, url: string): Promise<QueueDepth> {
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

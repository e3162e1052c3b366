import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AppContext } from '../../context.js';
import type { Job } from '../../ports/job-queue.js';

/** Records not started with less than this left are handed back (failed) rather than cut off mid-job. */
const STOP_MARGIN_MS = 5000;

/**
 * One SQS event source's batch → jobs for the registered processors. Each record succeeds or fails on its
 * own: the failed ones are returned as `batchItemFailures` (ReportBatchItemFailures), so SQS redelivers only
 * them and, after the queue's maxReceiveCount, moves them to its dead-letter queue.
 */
export function createSqsHandler(
  ready: Promise<AppContext>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    const ctx = await ready;
    const failed: string[] = [];
    for (const record of event.Records) {
      if (context.getRemainingTimeInMillis() < STOP_MARGIN_MS) {
        failed.push(record.messageId);
        continue;
      }
      try {
        await ctx.jobs.perform(jobFromRecord(record));
      } catch (err) {
        failed.push(record.messageId);
        const receives = Number(record.attributes.ApproximateReceiveCount);
        ctx.logger.warn({ err, messageId: record.messageId, receives }, 'job failed; SQS will redeliver it');
      }
    }
    await ctx.realtime.flush();
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** An SQS message body `{"name": ..., "payload": {...}}` as a job; throws on anything else (a poisoned record). */
export function jobFromRecord(record: SQSRecord): Job {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new Error(`message ${record.messageId} is not JSON`);
  }
  if (typeof body !== 'object' || body === null) throw new Error(`message ${record.messageId} is not a job`);
  const { name, payload } = body as { name?: unknown; payload?: unknown };
  if (typeof name !== 'string' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new Error(`message ${record.messageId} is not a job ({"name", "payload"})`);
  }
  return {
    id: record.messageId,
    name,
    payload: payload as Record<string, unknown>,
    attempts: Number(record.attributes.ApproximateReceiveCount) || 1,
    enqueuedAt: Number(record.attributes.SentTimestamp) || Date.now(),
    receipt: record.receiptHandle,
  };
}

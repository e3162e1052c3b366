import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { decodeEnvelope } from '../../adapters/sqs/envelope.js';
import type { Job } from '../../ports/job-queue.js';
import type { LambdaJobs } from '../../wiring/lambda.js';

type Entry = { job: Job; messageId: string };

/** Records not started with less than this left are handed back (failed) rather than cut off mid-job. */
const STOP_MARGIN_MS = 5000;

/**
 * One SQS event source's batch → jobs for the registered processors. Each record succeeds or fails on its
 * own: the failed ones are returned as `batchItemFailures` (ReportBatchItemFailures), so SQS redelivers only
 * them and, after the queue's maxReceiveCount, moves them to its dead-letter queue. The event source mapping holds
 * the batch's leases, not this function: the function's timeout bounds the whole batch, and a failed or unstarted
 * record comes back when the queue's visibility timeout (6x the function's, infra/src/stage-queues.ts) ends.
 */
export function createSqsHandler(
  ready: Promise<LambdaJobs>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    const ctx = await ready;
    const failed: string[] = [];
    const jobs: Entry[] = [];
    for (const record of event.Records) {
      if (context.getRemainingTimeInMillis() < STOP_MARGIN_MS) {
        failed.push(record.messageId);
        continue;
      }
      try {
        jobs.push({ job: jobFromRecord(record), messageId: record.messageId });
      } catch (err) {
        failed.push(record.messageId);
        ctx.logger.warn({ err, messageId: record.messageId }, 'job failed; SQS will redeliver it');
      }
    }
    const fail = (entry: Entry, err: unknown) => {
      failed.push(entry.messageId);
      ctx.logger.warn(
        { err, messageId: entry.messageId, receives: entry.job.attempts },
        'job failed; SQS will redeliver it',
      );
    };
    // Jobs whose processor runs many at once (the notify stage: one group update for a burst) go together.
    const messageOf = new Map(jobs.map((entry) => [entry.job, entry]));
    const { groups, single } = ctx.jobs.batches(jobs.map((entry) => entry.job));
    for (const group of groups) {
      const entries = group.jobs.map((job) => messageOf.get(job) as Entry);
      try {
        const outcomes = await group.processor.performBatch(group.jobs);
        entries.forEach((entry, i) => {
          const outcome = outcomes[i];
          if (!outcome?.ok) fail(entry, outcome?.error ?? new Error('the batch gave this job no outcome'));
        });
      } catch (err) {
        for (const entry of entries) fail(entry, err);
      }
    }
    for (const job of single) {
      const entry = messageOf.get(job) as Entry;
      if (context.getRemainingTimeInMillis() < STOP_MARGIN_MS) {
        failed.push(entry.messageId);
        continue;
      }
      try {
        await ctx.jobs.perform(job);
      } catch (err) {
        fail(entry, err);
      }
    }
    await ctx.realtime.flush();
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/**
 * A record as a job: its body is the envelope the SQS adapter sent (envelope.ts, the one definition), its attempt
 * number SQS's ApproximateReceiveCount (as for the adapter's own workers). Throws on anything else (a poisoned record).
 */
export function jobFromRecord(record: SQSRecord): Job {
  const envelope = decodeEnvelope(record.body);
  if (!envelope) throw new Error(`message ${record.messageId} is not a job envelope`);
  const { id, name, payload, enqueuedAt } = envelope;
  return {
    id,
    name,
    payload,
    attempts: Number(record.attributes.ApproximateReceiveCount) || 1,
    enqueuedAt,
    receipt: record.receiptHandle,
  };
}

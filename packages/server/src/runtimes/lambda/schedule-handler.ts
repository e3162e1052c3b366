import type { Context } from 'aws-lambda';
import { scheduledJob } from '../../jobs/scheduled-jobs.js';
import type { LambdaJobs } from '../../wiring/lambda.js';

/** What each EventBridge rule sends (its target input): the name of a job in SCHEDULED_JOBS. */
export interface ScheduleEvent {
  task: string;
}

/**
 * Runs one scheduled job (board retention, sweepers, reconciliation) in this invocation. A throw fails the
 * invocation, and EventBridge's asynchronous invoke retries it; every scheduled job is idempotent.
 */
export function createScheduleHandler(
  ready: Promise<LambdaJobs>,
): (event: ScheduleEvent, context: Context) => Promise<{ task: string }> {
  return async (event, context) => {
    const ctx = await ready;
    const entry = typeof event?.task === 'string' ? scheduledJob(event.task) : undefined;
    if (!entry) throw new Error(`no scheduled job ${JSON.stringify(event?.task)}`);
    const { name, payload } = entry.job;
    const started = Date.now();
    await ctx.jobs.perform({ id: context.awsRequestId, name, payload, attempts: 1, enqueuedAt: started, receipt: '' });
    await ctx.realtime.flush();
    ctx.logger.info({ task: name, ms: Date.now() - started }, 'scheduled job done');
    return { task: name };
  };
}

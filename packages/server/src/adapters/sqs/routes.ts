// Which SQS queue each job goes to. One queue per stage, each with its own dead-letter queue, so a flood of
// fan-out deliveries never delays an unfollow purge, and an alarm on a DLQ names the stage that is failing.
// Provisioning (start:aws-local, the CDK stack) and the adapter both read this, so they cannot disagree.

/** Queue key → the job names routed to it. A job name listed nowhere goes to DEFAULT_QUEUE. */
export const QUEUE_ROUTES: Readonly<Record<string, readonly string[]>> = {
  fanout: ['fanout.plan', 'fanout.deliver'],
  feeds: ['follow.backfill', 'unfollow.purge', 'status.retract'],
  maintenance: ['status.purge', 'boards.retention', 'counts.reconcile'],
};

export const DEFAULT_QUEUE = 'maintenance';

/** The SQS names of a stage's queue and its dead-letter queue. */
export function queueNames(prefix: string, queue: string): { name: string; dlq: string } {
  return { name: `${prefix}${queue}`, dlq: `${prefix}${queue}-dlq` };
}

/** The queue a job name is routed to. */
export function routeOf(jobName: string): string {
  for (const [queue, jobs] of Object.entries(QUEUE_ROUTES)) if (jobs.includes(jobName)) return queue;
  return DEFAULT_QUEUE;
}

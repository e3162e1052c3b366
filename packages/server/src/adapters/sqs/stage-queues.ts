// Which SQS queue each job goes to. One queue per stage, each with its own dead-letter queue, so a flood of
// fan-out deliveries never delays an unfollow purge, and an alarm on a DLQ names the stage that is failing.
// Provisioning (start:aws-local, the CDK stack) and the adapter both read this, so they cannot disagree.

/** The URLs of one stage's queue and of its dead-letter queue. */
export interface StageQueueUrls {
  url: string;
  dlqUrl: string;
}

/** Queue key → the job names routed to it. A job name listed nowhere goes to DEFAULT_QUEUE. */
export const JOBS_BY_QUEUE: Readonly<Record<string, readonly string[]>> = {
  fanout: ['fanout.plan', 'fanout.deliver', 'fanout.live'],
  feeds: [
    'follow.backfill',
    'unfollow.purge',
    'status.retract',
    'feed.trim',
    'relation.purge',
    'repost.retract',
    'repost.sweep',
    'status.counted',
  ],
  maintenance: [
    'status.purge',
    'boards.retention',
    'counts.reconcile',
    'follows.recount',
    'account.delete',
    'accounts.sweep',
    'media.sweep',
    'notifications.retention',
  ],
  // Link card fetches wait on other sites (seconds each): their own queue, so a slow site never delays fan-out.
  cards: ['card.fetch'],
  // Direct uploads decoded (seconds of CPU each): their own queue, consumed by a function that carries sharp.
  media: ['media.process'],
  // Search indexing (statuses: index.status; people: index.user; the backfill's bounded steps: search.reindex): its
  // own stage, so a burst of posts or profile edits never delays fan-out and a slow index never blocks posting.
  index: ['index.status', 'index.user', 'search.reindex'],
  // Notifications: a burst of likes on one status is its own stage, so it never delays fan-out or purges.
  notify: ['notify.event', 'notify.status-gone', 'notify.group-gone'],
};

export const DEFAULT_QUEUE = 'maintenance';

/** The SQS names of a stage's queue and its dead-letter queue. */
export function queueNames(prefix: string, queue: string): { name: string; dlq: string } {
  return { name: `${prefix}${queue}`, dlq: `${prefix}${queue}-dlq` };
}

/**
 * SQS moves a message to its DLQ by itself after this many receives: above our own retry count (the adapter's
 * workers dead-letter through fail() first), so there it only catches jobs whose worker never got to fail them
 * (crash loops). The Lambda job functions leave retries to SQS, so for them this is the number of attempts.
 */
export function maxReceiveCount(maxAttempts: number): number {
  return maxAttempts + 2;
}

/** The queue a job name is routed to. */
export function queueOf(jobName: string): string {
  for (const [queue, jobs] of Object.entries(JOBS_BY_QUEUE)) if (jobs.includes(jobName)) return queue;
  return DEFAULT_QUEUE;
}

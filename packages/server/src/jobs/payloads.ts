import { z } from 'zod';
import { nextTurn } from './event-loop-turns.js';

// Job payloads are checked when a job runs: a malformed one fails (and dead-letters) instead of half-running.
export const StatusJob = z.object({ statusId: z.string().min(1), author: z.string().min(1) });
/** A deleted status's purge; a reply or a quote also names what it pointed at (absent in jobs from before replies). */
export const PurgeJob = StatusJob.extend({
  inReplyToId: z.string().min(1).optional(),
  quoteOfId: z.string().min(1).optional(),
});
/**
 * One planned page of a fan-out: the author's followers in the key range (after, to], `count` of them when it was
 * planned. A range rather than the aliases keeps the message small whatever the page size (SQS takes 256 KB;
 * 10,000 aliases would not fit); the deliver job re-reads the range.
 */
export const DeliverRangeJob = StatusJob.extend({
  after: z.string().min(1).nullable(),
  to: z.string().min(1),
  count: z.number().int().nonnegative(),
});
/** The earlier shape (aliases inline), still accepted so jobs queued before an upgrade run. */
export const DeliverListJob = StatusJob.extend({ page: z.string().min(1), followers: z.array(z.string().min(1)) });
export const DeliverJob = z.union([DeliverRangeJob, DeliverListJob]);
export type DeliverRange = z.infer<typeof DeliverRangeJob>;
export type DeliverList = z.infer<typeof DeliverListJob>;
export const FollowJob = z.object({ follower: z.string().min(1), followee: z.string().min(1) });
export const AliasJob = z.object({ alias: z.string().min(1) });
/** Feeds to bring back to FEED_MAX_ENTRIES (at most TRIM_OWNERS_MAX a job, so one job stays short). */
export const TRIM_OWNERS_MAX = 100;
export const TrimJob = z.object({ owners: z.array(z.string().min(1)).min(1).max(TRIM_OWNERS_MAX) });

export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, job: string): z.infer<T> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new Error(`${job}: malformed payload: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** Yields to the event loop (and optionally pauses) so HTTP requests run between write batches. */
export function breathe(pauseMs: number): Promise<void> {
  return pauseMs > 0 ? new Promise((resolve) => setTimeout(resolve, pauseMs)) : nextTurn();
}

import { z } from 'zod';
import type { Job } from '../ports/job-queue.js';
import type { CommentRepo, CountTarget, MemberRepo, QuoteRepo, ReactionRepo, RepostRepo } from '../ports/store.js';
import { parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * What to re-count: a board's members, a status's reactions, replies, quotes and reposts, or a board message's
 * reactions.
 */
export const ReconcileJob = z.object({ target: z.enum(['board', 'status', 'message']), id: z.string().min(1) });

/** The job that re-counts one target. */
export function reconcileJob(target: CountTarget): { name: 'counts.reconcile'; payload: Record<string, unknown> } {
  return { name: 'counts.reconcile', payload: { target: target.target, id: target.id } };
}

/**
 * Re-counts the social counts of one target from the items they count. On a store without cross-item
 * transactions (DynamoDB) a count is changed right after its item, so a fault in between leaves it off by the
 * writes that failed; this makes it exact again. Idempotent, and harmless on SQLite, where counts never drift.
 */
export class CountsReconcileProcessor implements JobProcessor {
  readonly jobs = ['counts.reconcile'] as const;

  constructor(
    private readonly deps: {
      members: MemberRepo;
      reactions: ReactionRepo;
      comments: CommentRepo;
      quotes: QuoteRepo;
      /** Absent: reposts are not re-counted (wirings from before reposts). */
      reposts?: Pick<RepostRepo, 'recount'>;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    const { target, id } = parsePayload(ReconcileJob, job.payload, 'counts.reconcile');
    const { members, reactions, comments, quotes, reposts } = this.deps;
    if (target === 'board') await members.recount(id);
    else if (target === 'message') await reactions.recount('message', id);
    else
      await Promise.all([
        reactions.recount('status', id),
        comments.recount(id),
        quotes.recount(id),
        reposts?.recount(id),
      ]);
  }
}

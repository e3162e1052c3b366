import { parseSegments, statusTags, statusTerms } from '@tweeter/shared';
import { newId } from '../domain/ids.js';
import type { Clock } from '../ports/clock.js';
import type { BulkStatus, PopulationWriter } from '../ports/population-writer.js';
import { userAlias, type PopulationPlan } from './graph.js';
import type { Progress } from './progress.js';

/** Statuses per transaction of the fast path: large enough that commits cost nothing next to the rows. */
const BULK_BATCH = 50_000;

/** Whether the plan's statuses are all plain ones (no replies, quotes, images or reposts), which the fast path writes. */
export function plainStatuses(plan: PopulationPlan): boolean {
  const shares = [plan.replyShare, plan.quoteShare, plan.mediaShare, plan.repostShare];
  return shares.every((share) => (share ?? 0) === 0);
}

/**
 * The plan's statuses through the embedded file's fast path (ports/population-writer.ts): the same texts, keys and
 * order as the store path (round by round, user by user), each written whole with its delivery, feed entries and
 * index rows, BULK_BATCH to a transaction. A rerun skips the statuses already written (by key).
 */
export async function populateStatusesBulk(
  plan: PopulationPlan,
  deps: { writer: PopulationWriter; clock: Clock; progress: Progress },
  text: (author: string, n: number, of: number) => string,
): Promise<{ statusesAdded: number; feedEntriesAdded: number }> {
  const { writer, clock, progress } = deps;
  let statusesAdded = 0;
  let feedEntriesAdded = 0;
  let batch: BulkStatus[] = [];
  const flush = async () => {
    const written = await writer.statuses(batch, clock.now());
    statusesAdded += written.created;
    feedEntriesAdded += written.feedEntries;
    progress.advance(batch.length);
    batch = [];
  };
  for (let n = 1; n <= plan.statusesEach; n++) {
    for (let i = 1; i <= plan.users; i++) {
      const author = userAlias(i);
      const createdAt = clock.now();
      const post = text(author, n, plan.statusesEach);
      const segments = parseSegments(post);
      const id = newId(createdAt);
      batch.push({
        status: { id, author, post, segments, createdAt },
        idempotencyKey: `populate-${n}`,
        indexed: { statusId: id, author, createdAt, terms: statusTerms(segments), tags: statusTags(segments) },
      });
      if (batch.length === BULK_BATCH) await flush();
    }
  }
  if (batch.length > 0) await flush();
  await writer.finish();
  return { statusesAdded, feedEntriesAdded };
}

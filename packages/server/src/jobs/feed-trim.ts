import type { Metrics } from '../metrics.js';
import type { Job, JobQueue } from '../ports/job-queue.js';
import type { FeedRepo } from '../ports/store.js';
import { breathe, parsePayload, TRIM_OWNERS_MAX, TrimJob } from './payloads.js';
import { boundedSweep } from './bounded-sweep.js';
import type { JobProcessor } from './processor.js';

/** Entries one trim step removes (one short write, as a purge batch). */
export const TRIM_BATCH = 500;
/** Steps one job takes per feed; a feed further past the bound gets a job of its own to carry on. */
const TRIM_STEPS_PER_FEED = 20;

/**
 * The trim policy: each entry written into a feed queues a check of that feed with a chance of 1 in
 * `FEED_MAX_ENTRIES / 10` (1 in 100 at the default), so a feed is checked about once per 10% of its bound in
 * new entries, and a check of a full feed removes about that many (one step). Feeds below the bound cost a check
 * per 10% of the bound in new entries and nothing more. The chance is a hash of owner and status id, not a
 * counter (which would be one more write per entry): a replayed delivery decides the same, and a feed can now and
 * then grow further before a check lands (the overshoot is geometric: past 30% about one time in twenty). Reads
 * end at the bound whatever is stored (services/feeds.ts), so trimming late only costs storage.
 */
export function checkEvery(maxEntries: number): number {
  return Math.max(1, Math.floor(maxEntries / 10));
}

/** FNV-1a of `owner` and `statusId`: a cheap, well-spread 32-bit hash (no allocation). */
function pairHash(owner: string, statusId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < owner.length; i++) h = Math.imul(h ^ owner.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0x0a, 0x01000193);
  for (let i = 0; i < statusId.length; i++) h = Math.imul(h ^ statusId.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Queues `feed.trim` for the feeds the policy above picks among those just written. */
export class FeedTrimChecks {
  private readonly every: number;

  constructor(
    private readonly deps: {
      queue: Pick<JobQueue, 'enqueue'>;
      maxEntries: number;
      /** Where the store can tell which feeds are past the bound, only those get a job (the rest need none). */
      feeds?: Pick<FeedRepo, 'pastBound'>;
    },
  ) {
    this.every = checkEvery(deps.maxEntries);
  }

  /** The owners of `written` whose feed the policy checks now, each once. */
  pick(written: readonly { statusId: string; owners: readonly string[] }[]): string[] {
    const picked = new Set<string>();
    for (const { statusId, owners } of written) {
      for (const owner of owners) if (pairHash(owner, statusId) % this.every === 0) picked.add(owner);
    }
    return [...picked];
  }

  /**
   * Queues the checks for entries just written. Best effort by design: a check lost to a crash between the write
   * and this call is made up by a later entry of the same feed.
   */
  async written(written: readonly { statusId: string; owners: readonly string[] }[]): Promise<void> {
    const picked = this.pick(written);
    if (picked.length === 0) return;
    // Below the bound a trim removes nothing: skipping its job saves the queue's rows and a write per feed. A feed
    // read a moment too early is checked again by a later entry, as a check lost to a crash is.
    const { feeds, maxEntries } = this.deps;
    const owners = feeds?.pastBound ? await feeds.pastBound(picked, maxEntries) : picked;
    if (owners.length > 0) await this.deps.queue.enqueue(trimJobs(owners));
  }
}

/** `feed.trim` jobs for these owners, TRIM_OWNERS_MAX a job. */
export function trimJobs(owners: readonly string[]): { name: string; payload: { owners: string[] } }[] {
  const jobs = [];
  for (let i = 0; i < owners.length; i += TRIM_OWNERS_MAX)
    jobs.push({ name: 'feed.trim', payload: { owners: owners.slice(i, i + TRIM_OWNERS_MAX) } });
  return jobs;
}

/**
 * Brings feeds back to their newest FEED_MAX_ENTRIES: each step removes at most TRIM_BATCH entries past the bound
 * (its own short write), yielding between steps. Idempotent: a feed within the bound loses nothing, so a repeated
 * or duplicated job only reads. A feed still past the bound after TRIM_STEPS_PER_FEED steps (one grown before the
 * bound existed) is queued again on its own, so one job stays short.
 */
export class FeedTrimProcessor implements JobProcessor {
  readonly jobs = ['feed.trim'] as const;

  constructor(
    private readonly deps: {
      feeds: FeedRepo;
      queue: Pick<JobQueue, 'enqueue'>;
      maxEntries: number;
      metrics?: Pick<Metrics, 'feedTrimmed'>;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    const { owners } = parsePayload(TrimJob, job.payload, 'feed.trim');
    const unfinished: string[] = [];
    for (const [i, owner] of owners.entries()) {
      if (i > 0) await breathe(0);
      if (!(await this.trim(owner))) unfinished.push(owner);
    }
    if (unfinished.length > 0) await this.deps.queue.enqueue(trimJobs(unfinished));
  }

  /** Trims one feed; false when it may still be past the bound after the steps one job allows it. */
  private async trim(owner: string): Promise<boolean> {
    const { feeds, maxEntries, metrics } = this.deps;
    return boundedSweep(TRIM_BATCH, TRIM_STEPS_PER_FEED, async () => {
      const removed = await feeds.trim(owner, { keep: maxEntries, limit: TRIM_BATCH });
      metrics?.feedTrimmed.inc(removed);
      return removed;
    });
  }
}

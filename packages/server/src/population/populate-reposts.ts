import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { newId } from '../domain/ids.js';
import { userAlias, type PopulationPlan } from './graph.js';

const FOLLOWER_PAGE = 1_000;

/**
 * Reposts among the generated users: so many that `plan.repostShare` of what reaches feeds (statuses and reposts
 * together) are reposts. They are written between the statuses, a share after each batch of them (`afterBatch`), so
 * a feed's newest page holds about that share of reposts, as a live feed would (written after all the statuses,
 * every repost would be newer than every status). Who reposts whose status is a hash of the repost's number, so a
 * rerun picks the same pairs, which the store keeps once. Each is delivered through the same steps as the fan-out
 * jobs (recordPlanned, then deliverRange, once per feed), and no job is queued.
 */
export class RepostPopulation {
  readonly count: number;
  private next = 0;
  repostsAdded = 0;
  feedEntriesAdded = 0;

  constructor(
    private readonly plan: PopulationPlan,
    private readonly deps: { store: Store; clock: Clock },
    /** Users per status batch, and batches per round of statuses (one status per user a round). */
    private readonly batch: { size: number; perRound: number },
  ) {
    const share = plan.repostShare ?? 0;
    this.count =
      share <= 0 || plan.statusesEach === 0 || plan.users < 2
        ? 0
        : Math.round((plan.users * plan.statusesEach * share) / (1 - share));
  }

  /** The reposts due after status batch `b` (0-based), inside the caller's write batch. */
  async afterBatch(b: number): Promise<void> {
    const batches = this.plan.statusesEach * this.batch.perRound;
    const until = Math.min(this.count, Math.round(((b + 1) * this.count) / Math.max(1, batches)));
    // Who has posted what by now: every user r statuses, those of this round's batches so far one more.
    const round = Math.floor(b / this.batch.perRound);
    const ahead = Math.min(this.plan.users, ((b % this.batch.perRound) + 1) * this.batch.size);
    for (; this.next < until; this.next++) {
      const out = await repostOne(this.deps.store, this.deps.clock, this.plan, this.next, { round, ahead });
      if (out.created) this.repostsAdded += 1;
      this.feedEntriesAdded += out.feedEntries;
    }
  }
}

/**
 * The k-th repost: a hash of k picks the reposter, someone else who has posted by now, and which of their statuses
 * (counted oldest first, so a rerun, when every status exists, picks the same one).
 */
async function repostOne(
  store: Store,
  clock: Clock,
  plan: PopulationPlan,
  k: number,
  posted: { round: number; ahead: number },
): Promise<{ created: boolean; feedEntries: number }> {
  const h = Math.imul(k + 1 + plan.seed * 7919, 2654435761) >>> 0;
  const pool = posted.round > 0 ? plan.users : posted.ahead;
  if (pool < 2) return { created: false, feedEntries: 0 };
  const i = 1 + (h % pool);
  // Someone else: an offset of 1 to pool - 1 from the reposter, around the ring of those who posted.
  const j = 1 + ((i - 1 + 1 + ((h >>> 8) % (pool - 1))) % pool);
  const reposter = userAlias(i);
  const author = userAlias(j);
  const statusesOfJ = posted.round + (j <= posted.ahead ? 1 : 0);
  const m = 1 + ((h >>> 16) % Math.max(1, statusesOfJ));
  const story = await store.statuses.byAuthor(author, { limit: plan.statusesEach });
  const status = story[story.length - m];
  if (!status) return { created: false, feedEntries: 0 };
  const now = clock.now();
  const audience = (await store.users.get(reposter))?.followerCount ?? 0;
  const written = await store.reposts.create(
    { id: newId(now), statusId: status.id, author, reposter, createdAt: now },
    { audience },
  );
  if (!written) return { created: false, feedEntries: 0 };
  const id = written.repost.id;
  if (!written.created && (await store.deliveries.get(id))?.state === 'done') return { created: false, feedEntries: 0 };
  return { created: written.created, feedEntries: await deliverAll(store, clock, id, reposter) };
}

// Plans and writes every page of the reposter's followers, as fanout.plan and fanout.deliver would.
async function deliverAll(store: Store, clock: Clock, id: string, reposter: string): Promise<number> {
  let written = 0;
  let from: string | null = null;
  for (;;) {
    const page = await store.follows.followers(reposter, { after: from ?? undefined, limit: FOLLOWER_PAGE });
    const to: string | null = page.items.at(-1) ?? from;
    const last = page.next === null;
    await store.deliveries.recordPlanned(id, { from, to, count: page.items.length, last });
    if (to !== null && page.items.length > 0) {
      let after = from;
      for (;;) {
        const step = await store.deliveries.deliverRange(
          { statusId: id, author: reposter },
          { after, to, limit: FOLLOWER_PAGE },
          { now: clock.now(), page: { key: to, count: page.items.length } },
        );
        written += step.added;
        if (step.next === null) break;
        after = step.next;
      }
    }
    if (last) return written;
    from = to;
  }
}

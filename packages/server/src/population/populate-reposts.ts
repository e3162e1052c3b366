import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { newId } from '../domain/ids.js';
import { userAlias, type PopulationPlan } from './graph.js';
import { silentProgress, type Progress } from './progress.js';

const BATCH = 500;
const FOLLOWER_PAGE = 1_000;

/**
 * Reposts among the generated users, after their statuses: so many that `plan.repostShare` of what reaches feeds
 * (statuses and reposts together) are reposts. Who reposts whose n-th status is a hash of the repost's number, so
 * a rerun picks the same pairs, which the store keeps once. Each is delivered through the same steps as the fan-out
 * jobs (recordPlanned, then deliverRange, once per feed), and no job is queued.
 */
export async function populateReposts(
  plan: PopulationPlan,
  deps: {
    store: Store;
    clock: Clock;
    progress?: Progress;
    writeBatch?: <T>(work: () => Promise<T>) => Promise<T>;
  },
): Promise<{ repostsAdded: number; feedEntriesAdded: number }> {
  const share = plan.repostShare ?? 0;
  if (share <= 0 || plan.statusesEach === 0 || plan.users < 2) return { repostsAdded: 0, feedEntriesAdded: 0 };
  const { store, clock } = deps;
  const progress = deps.progress ?? silentProgress;
  const writeBatch = deps.writeBatch ?? ((work) => work());
  const count = Math.round((plan.users * plan.statusesEach * share) / (1 - share));
  let repostsAdded = 0;
  let feedEntriesAdded = 0;
  progress.start('reposts', count);
  for (let from = 0; from < count; from += BATCH) {
    await writeBatch(async () => {
      for (let k = from; k < Math.min(count, from + BATCH); k++) {
        const out = await repostOne(store, clock, plan, k);
        if (out.created) repostsAdded += 1;
        feedEntriesAdded += out.feedEntries;
      }
    });
    progress.advance(Math.min(BATCH, count - from));
  }
  progress.done();
  return { repostsAdded, feedEntriesAdded };
}

async function repostOne(
  store: Store,
  clock: Clock,
  plan: PopulationPlan,
  k: number,
): Promise<{ created: boolean; feedEntries: number }> {
  const h = Math.imul(k + 1 + plan.seed * 7919, 2654435761) >>> 0;
  const i = 1 + (h % plan.users);
  // Someone else: an offset of 1 to users - 1 from the reposter, around the ring of users.
  const j = 1 + ((i - 1 + 1 + ((h >>> 8) % (plan.users - 1))) % plan.users);
  const reposter = userAlias(i);
  const author = userAlias(j);
  const story = await store.statuses.byAuthor(author, { limit: plan.statusesEach });
  const status = story[(h >>> 16) % Math.max(1, story.length)];
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

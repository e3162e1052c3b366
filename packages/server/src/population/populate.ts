import { performance } from 'node:perf_hooks';
import { hashPassword, type ScryptParams } from '../domain/passwords.js';
import type { Clock } from '../ports/clock.js';
import type { MediaImage, StatusRecord, Store, UserRecord } from '../ports/store.js';
import { blockEdges, edgeCount, followEdges, muteEdges, userAlias, type PopulationPlan } from './graph.js';
import { personName } from './names.js';
import { silentProgress, type Progress } from './progress.js';
import { RepostPopulation } from './populate-reposts.js';
import { addFollowNotifications } from './notifications.js';
import { pickRefs } from './threads.js';
import type { PopulationWriter } from '../ports/population-writer.js';
import { plainStatuses, populateStatusesBulk } from './populate-bulk.js';
import { cacheArticleCards, pickMedia, populatedPost, postAndDeliver } from './populate-status.js';

export { POPULATED_ARTICLES, articleUrl } from './populate-status.js';

export interface PopulationSummary {
  usersAdded: number;
  followsAdded: number;
  statusesAdded: number;
  feedEntriesAdded: number;
  repostsAdded: number;
  mutesAdded: number;
  blocksAdded: number;
  notificationsAdded: number;
  seconds: number;
}

export interface PopulateDeps {
  store: Store;
  clock: Clock;
  scrypt: ScryptParams;
  progress?: Progress;
  /** Runs many writes as one unit when the store can (SQLite: one transaction); 4x faster status writing. */
  writeBatch?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Stored pictures that statuses with images point at (plan.mediaShare); none: no status gets images. */
  stockImages?: readonly MediaImage[];
  /** The embedded file's fast path for plain statuses (populate-bulk.ts); absent: every status through the Store. */
  populationWriter?: PopulationWriter | null;
}

const USER_BATCH = 10_000;
// Large batches: the store sums follower counts per batch, so fewer batches mean fewer count updates.
const EDGE_BATCH = 50_000;
const STATUS_BATCH = 500;

/**
 * Builds the plan's users, follows and statuses through the Store port, in bulk. Idempotent: aliases are
 * deterministic, follows are insert-or-ignore, statuses carry an idempotency key per author (`populate-<n>`).
 * Statuses are delivered to their authors' followers here, as the fan-out pipeline would (see deliverStatus).
 */
export async function populate(plan: PopulationPlan, deps: PopulateDeps): Promise<PopulationSummary> {
  const started = performance.now();
  const { store, clock } = deps;
  const progress = deps.progress ?? silentProgress;
  // One hash shared by every user: scrypt at the production cost takes ~0.3 s, 10,000 of them almost an hour.
  const passwordHash = await hashPassword(plan.password, deps.scrypt);
  await deps.populationWriter?.start();

  let usersAdded = 0;
  progress.start('users', plan.users + 1);
  const now = clock.now();
  const celebrity = user(plan.celebrity, 'Celebrity', 'Star', passwordHash, now);
  usersAdded += await store.users.createMany([celebrity]);
  await store.people.putMany([celebrity]);
  progress.advance(1);
  for (let from = 1; from <= plan.users; from += USER_BATCH) {
    const batch: UserRecord[] = [];
    for (let i = from; i < from + USER_BATCH && i <= plan.users; i++) {
      const name = personName(i);
      batch.push(user(userAlias(i), name.firstName, name.lastName, passwordHash, now));
    }
    usersAdded += await store.users.createMany(batch);
    // People search's index, as the index.user job would write it (idempotent: a rerun rewrites the same terms).
    await store.people.putMany(batch);
    progress.advance(batch.length);
  }
  progress.done();

  let followsAdded = 0;
  progress.start('follows', edgeCount(plan));
  for (const batch of followEdges(plan, EDGE_BATCH)) {
    followsAdded += await store.follows.addMany(batch, clock.now());
    progress.advance(batch.length);
  }
  progress.done();

  let statusesAdded = 0;
  let feedEntriesAdded = 0;
  const batchesPerRound = Math.ceil(plan.users / STATUS_BATCH);
  // Reposts go in between the statuses, a share after each batch (so feeds hold them mixed in time).
  const reposts = new RepostPopulation(plan, { store, clock }, { size: STATUS_BATCH, perRound: batchesPerRound });
  if (plan.statusesEach > 0) {
    await cacheArticleCards(store, clock.now());
    progress.start('statuses', plan.users * plan.statusesEach);
    if (deps.populationWriter && plainStatuses(plan)) {
      const bulk = await populateStatusesBulk(plan, { writer: deps.populationWriter, clock, progress }, populatedPost);
      statusesAdded += bulk.statusesAdded;
      feedEntriesAdded += bulk.feedEntriesAdded;
    } else {
      const writeBatch = deps.writeBatch ?? ((work) => work());
      const threaded = (plan.replyShare ?? 0) > 0 || (plan.quoteShare ?? 0) > 0;
      for (let n = 1; n <= plan.statusesEach; n++) {
        // This round's statuses so far (by user number): what its replies and quotes point at.
        const round: StatusRecord[] = [];
        for (let from = 1; from <= plan.users; from += STATUS_BATCH) {
          await writeBatch(async () => {
            for (let i = from; i < from + STATUS_BATCH && i <= plan.users; i++) {
              const media = pickMedia(plan, deps.stockImages ?? [], i, n);
              const refs = threaded ? pickRefs(plan, round, i, n) : {};
              const result = await postAndDeliver(store, clock, userAlias(i), n, plan.statusesEach, media, refs);
              if (threaded) round[i] = result.status;
              if (result.created) statusesAdded += 1;
              feedEntriesAdded += result.feedEntries;
            }
            await reposts.afterBatch((n - 1) * batchesPerRound + Math.floor((from - 1) / STATUS_BATCH));
          });
          progress.advance(Math.min(STATUS_BATCH, plan.users - from + 1));
        }
      }
    }
    progress.done();
  }

  feedEntriesAdded += reposts.feedEntriesAdded;

  // Mutes last: the feeds written above keep the muted authors' entries (no purge runs here); reads leave them out.
  let mutesAdded = 0;
  if ((plan.mutesEach ?? 0) > 0) {
    progress.start('mutes', plan.users * (plan.mutesEach ?? 0));
    const writeBatch = deps.writeBatch ?? ((work) => work());
    const edges = [...muteEdges(plan)];
    for (let from = 0; from < edges.length; from += STATUS_BATCH) {
      const batch = edges.slice(from, from + STATUS_BATCH);
      await writeBatch(async () => {
        for (const { follower: owner, followee: target } of batch) {
          const edge = { owner, kind: 'mute' as const, target };
          const added = await store.relations.add(edge, { createdAt: clock.now(), max: Number.MAX_SAFE_INTEGER });
          if (added === 'added') mutesAdded += 1;
        }
      });
      progress.advance(batch.length);
    }
    progress.done();
  }

  const blocksAdded = await addBlocks(plan, deps);
  const notificationsAdded = await addFollowNotifications(plan, deps);

  return {
    usersAdded,
    followsAdded,
    statusesAdded,
    feedEntriesAdded,
    repostsAdded: reposts.repostsAdded,
    mutesAdded,
    blocksAdded,
    notificationsAdded,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Blocks, after everything else, as a block does it: the edge, both follows ended (counts corrected) and each side's
 * entries purged from the other's feed. No jobs: the population tool writes what the jobs would have.
 */
async function addBlocks(plan: PopulationPlan, deps: PopulateDeps): Promise<number> {
  if ((plan.blocksEach ?? 0) === 0) return 0;
  const { store, clock, progress = silentProgress } = deps;
  const writeBatch = deps.writeBatch ?? ((work) => work());
  let added = 0;
  progress.start('blocks', plan.users * (plan.blocksEach ?? 0));
  const edges = [...blockEdges(plan)];
  for (let from = 0; from < edges.length; from += STATUS_BATCH) {
    const batch = edges.slice(from, from + STATUS_BATCH);
    await writeBatch(async () => {
      for (const { follower: owner, followee: target } of batch) {
        const edge = { owner, kind: 'block' as const, target };
        if ((await store.relations.add(edge, { createdAt: clock.now(), max: Number.MAX_SAFE_INTEGER })) !== 'added') {
          continue;
        }
        added += 1;
        for (const [a, b] of [
          [owner, target],
          [target, owner],
        ] as const) {
          await store.follows.remove(a, b);
          await store.feeds.removeByAuthor(a, b);
        }
      }
    });
    progress.advance(batch.length);
  }
  progress.done();
  return added;
}

function user(alias: string, firstName: string, lastName: string, passwordHash: string, now: number): UserRecord {
  return {
    alias,
    firstName,
    lastName,
    passwordHash,
    imageKey: null,
    createdAt: now,
    followerCount: 0,
    followeeCount: 0,
    // A bio as people write them, with a link (the web app shows it as one).
    bio: `${firstName} ${lastName}, on Tweeter since day one. Notes: https://example.com/${alias}`,
  };
}

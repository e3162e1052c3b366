import { parseSegments } from '@tweeter/shared';
import { performance } from 'node:perf_hooks';
import { hashPassword, type ScryptParams } from '../domain/passwords.js';
import { newId } from '../domain/ids.js';
import type { Clock } from '../ports/clock.js';
import type { Store, UserRecord } from '../ports/store.js';
import { edgeCount, followEdges, userAlias, type PopulationPlan } from './graph.js';
import { silentProgress, type Progress } from './progress.js';

export interface PopulationSummary {
  usersAdded: number;
  followsAdded: number;
  statusesAdded: number;
  feedEntriesAdded: number;
  seconds: number;
}

export interface PopulateDeps {
  store: Store;
  clock: Clock;
  scrypt: ScryptParams;
  progress?: Progress;
  /** Runs many writes as one unit when the store can (SQLite: one transaction); 4x faster status writing. */
  writeBatch?: <T>(work: () => Promise<T>) => Promise<T>;
}

const USER_BATCH = 10_000;
// Large batches: the store sums follower counts per batch, so fewer batches mean fewer count updates.
const EDGE_BATCH = 50_000;
const FOLLOWER_PAGE = 1_000;
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

  let usersAdded = 0;
  progress.start('users', plan.users + 1);
  const now = clock.now();
  usersAdded += await store.users.createMany([user(plan.celebrity, 'Celebrity', 'Star', passwordHash, now)]);
  progress.advance(1);
  for (let from = 1; from <= plan.users; from += USER_BATCH) {
    const batch: UserRecord[] = [];
    for (let i = from; i < from + USER_BATCH && i <= plan.users; i++) {
      batch.push(user(userAlias(i), 'User', String(i), passwordHash, now));
    }
    usersAdded += await store.users.createMany(batch);
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
  if (plan.statusesEach > 0) {
    progress.start('statuses', plan.users * plan.statusesEach);
    const writeBatch = deps.writeBatch ?? ((work) => work());
    for (let n = 1; n <= plan.statusesEach; n++) {
      for (let from = 1; from <= plan.users; from += STATUS_BATCH) {
        await writeBatch(async () => {
          for (let i = from; i < from + STATUS_BATCH && i <= plan.users; i++) {
            const result = await postAndDeliver(store, clock, userAlias(i), n, plan.statusesEach);
            if (result.created) statusesAdded += 1;
            feedEntriesAdded += result.feedEntries;
          }
        });
        progress.advance(Math.min(STATUS_BATCH, plan.users - from + 1));
      }
    }
    progress.done();
  }

  return {
    usersAdded,
    followsAdded,
    statusesAdded,
    feedEntriesAdded,
    seconds: (performance.now() - started) / 1000,
  };
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

/**
 * Writes the author's n-th status (idempotency key `populate-<n>`) and delivers it to every current follower
 * through the same delivery steps as the fan-out jobs (recordPlanned + deliverPage), so feeds hold it and its
 * delivery record reads `done`. No job is queued: a server started later has no fan-out backlog to work through.
 * A status already delivered by an earlier run is skipped; a partly delivered one (an interrupted run) is
 * completed, since planning is a compare-and-set on the cursor and each page is counted once.
 */
async function postAndDeliver(
  store: Store,
  clock: Clock,
  author: string,
  n: number,
  of: number,
): Promise<{ created: boolean; feedEntries: number }> {
  const now = clock.now();
  const post = `Status ${n} of ${of} by @${author}: notes at https://example.com/${author}/${n}`;
  const audience = (await store.users.get(author))?.followerCount ?? 0;
  const { status, created } = await store.statuses.create(
    { id: newId(now), author, post, segments: parseSegments(post), createdAt: now },
    { idempotencyKey: `populate-${n}`, audience },
  );
  if (!created && (await store.deliveries.get(status.id))?.state === 'done') return { created, feedEntries: 0 };

  let feedEntries = 0;
  let from: string | null = null;
  for (;;) {
    const page = await store.follows.followers(author, { after: from ?? undefined, limit: FOLLOWER_PAGE });
    const to: string | null = page.items.at(-1) ?? from;
    const last = page.next === null;
    // Refused (false) when an earlier run planned this page already: delivering it again below is harmless.
    await store.deliveries.recordPlanned(status.id, { from, to, count: page.items.length, last });
    if (page.items.length) {
      feedEntries += await store.deliveries.deliverPage({ statusId: status.id, author }, page.items, {
        now: clock.now(),
        page: { key: `populate:${to ?? ''}`, count: page.items.length },
      });
    }
    if (last) return { created, feedEntries };
    from = to;
  }
}

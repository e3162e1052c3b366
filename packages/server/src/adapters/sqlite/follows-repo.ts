import type { JobRequest } from '../../ports/job-queue.js';
import type { FollowRepo, KeyPage, RangeOptions } from '../../ports/store.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';
import type { SqliteStoreOptions } from './store.js';

type Edge = { follower: string; followee: string };

// Aliases are [a-z0-9_]: a space never occurs in one.
const edgeKey = (e: Edge): string => `${e.follower} ${e.followee}`;

/** The follows repository over SQLite: `follows` and its inverted index `followers`, with exact counts. */
export function createFollowsRepo(db: Db, { clock, signal }: SqliteStoreOptions): FollowRepo {
  const insertFollow = db.prepare<[string, string, number]>(
    'INSERT OR IGNORE INTO follows (follower, followee, created_at) VALUES (?, ?, ?)',
  );
  const insertFollower = db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO followers (followee, follower) VALUES (?, ?)',
  );
  const deleteFollow = db.prepare<[string, string]>('DELETE FROM follows WHERE follower = ? AND followee = ?');
  const deleteFollower = db.prepare<[string, string]>('DELETE FROM followers WHERE followee = ? AND follower = ?');
  const addFollowerCount = db.prepare<[number, string]>(
    'UPDATE users SET follower_count = follower_count + ? WHERE alias = ?',
  );
  const addFolloweeCount = db.prepare<[number, string]>(
    'UPDATE users SET followee_count = followee_count + ? WHERE alias = ?',
  );
  const countFollowers = db.prepare<[string], number>('SELECT count(*) FROM followers WHERE followee = ?').pluck();
  const countFollowees = db.prepare<[string], number>('SELECT count(*) FROM follows WHERE follower = ?').pluck();
  const setCounts = db.prepare<[number, number, string]>(
    'UPDATE users SET follower_count = ?, followee_count = ? WHERE alias = ?',
  );
  const selectEdge = db
    .prepare<[string, string], number>('SELECT 1 FROM follows WHERE follower = ? AND followee = ?')
    .pluck();
  // Pairs as a JSON array of [follower, followee]: one statement however many edges are asked about. CROSS JOIN
  // keeps json_each the outer loop, so each pair is one primary-key lookup whatever the statistics say.
  const selectEdges = db.prepare<[string], Edge>(
    `SELECT f.follower, f.followee FROM json_each(?) AS j
       JOIN follows AS f ON f.follower = j.value ->> 0 AND f.followee = j.value ->> 1`,
  );
  const selectFollowers = db
    .prepare<[string, string, number], string>(
      'SELECT follower FROM followers WHERE followee = ? AND follower > ? ORDER BY follower LIMIT +?',
    )
    .pluck();
  const selectFollowees = db
    .prepare<[string, string, number], string>(
      'SELECT followee FROM follows WHERE follower = ? AND followee > ? ORDER BY followee LIMIT +?',
    )
    .pluck();

  const add = db.transaction((edge: Edge, createdAt: number, jobs: readonly JobRequest[]): boolean => {
    if (insertFollow.run(edge.follower, edge.followee, createdAt).changes === 0) return false;
    insertFollower.run(edge.followee, edge.follower);
    addFolloweeCount.run(1, edge.follower);
    addFollowerCount.run(1, edge.followee);
    insertJobs(db, jobs, clock.now());
    return true;
  });

  const remove = db.transaction((edge: Edge, jobs: readonly JobRequest[]): boolean => {
    if (deleteFollow.run(edge.follower, edge.followee).changes === 0) return false;
    deleteFollower.run(edge.followee, edge.follower);
    addFolloweeCount.run(-1, edge.follower);
    addFollowerCount.run(-1, edge.followee);
    insertJobs(db, jobs, clock.now());
    return true;
  });

  const addMany = db.transaction((edges: readonly Edge[], createdAt: number): number => {
    // Counts are summed per user and written once each: a bulk load touches each user many times.
    const followees = new Map<string, number>();
    const followers = new Map<string, number>();
    for (const { follower, followee } of edges) {
      if (insertFollow.run(follower, followee, createdAt).changes === 0) continue;
      insertFollower.run(followee, follower);
      followees.set(follower, (followees.get(follower) ?? 0) + 1);
      followers.set(followee, (followers.get(followee) ?? 0) + 1);
    }
    for (const [alias, n] of followees) addFolloweeCount.run(n, alias);
    let added = 0;
    for (const [alias, n] of followers) {
      addFollowerCount.run(n, alias);
      added += n;
    }
    return added;
  });

  const recount = db.transaction((alias: string) => {
    const counts = { followers: countFollowers.get(alias) ?? 0, followees: countFollowees.get(alias) ?? 0 };
    setCounts.run(counts.followers, counts.followees, alias);
    return counts;
  });

  return {
    async add(follower, followee, options) {
      const jobs = options.outbox ?? [];
      const added = add.immediate({ follower, followee }, options.createdAt, jobs);
      if (added && jobs.length > 0) signal.notify();
      return added;
    },
    async remove(follower, followee, options) {
      const jobs = options?.outbox ?? [];
      const removed = remove.immediate({ follower, followee }, jobs);
      if (removed && jobs.length > 0) signal.notify();
      return removed;
    },
    async exists(follower, followee) {
      return selectEdge.get(follower, followee) !== undefined;
    },
    async existing(edges) {
      if (edges.length === 0) return [];
      const found = new Set(selectEdges.all(JSON.stringify(edges.map((e) => [e.follower, e.followee]))).map(edgeKey));
      return edges.filter((e) => found.has(edgeKey(e)));
    },
    async followers(alias, range) {
      return readPage(selectFollowers.all(alias, range.after ?? '', range.limit + 1), range);
    },
    async followees(alias, range) {
      return readPage(selectFollowees.all(alias, range.after ?? '', range.limit + 1), range);
    },
    async addMany(edges, createdAt) {
      return edges.length === 0 ? 0 : addMany.immediate(edges, createdAt);
    },
    async recount(alias) {
      return recount.immediate(alias);
    },
  };
}

/** `rows` holds up to limit + 1 keys: the extra one only tells that another page exists. */
function readPage(rows: string[], range: RangeOptions): KeyPage<string> {
  if (rows.length <= range.limit) return { items: rows, next: null };
  const items = rows.slice(0, range.limit);
  return { items, next: items.at(-1) ?? null };
}

import type { JobRequest } from '../../../ports/job-queue.js';
import type { FollowCounts, FollowRepo, KeyPage, RangeOptions } from '../../../ports/store.js';
import { batchGet, batchWrite, mapLimit, queryUpTo, StoreBusyError, type DynamoDeps, type Item } from '../client.js';
import { addToExisting, deleteItem, getItem, putItem, putNew, queryAll, str, updateItem } from '../social/items.js';
import { FOLLOWER_PREFIX, FOLLOWS_PREFIX, UNFOLLOWS, followerKey, followsKey, userKey } from './keys.js';
import { notePopular } from './people-index.js';
import { pendingAttributes, pendingUpdate, type DynamoOutbox } from './outbox.js';

/**
 * Follows on DynamoDB. The edge `USER#<follower>` / `FOLLOWS#<followee>` is the truth, claimed by a conditional
 * put; its mirror `USER#<followee>` / `FOLLOWER#<follower>` lists a user's followers in key order, and both
 * counts are ADDed on the profiles right after. The edge carries an outbox marker until those follow-up writes
 * and its jobs are done, so a crash in between is finished by the outbox sweeper (which also re-counts both
 * users, since an ADD may or may not have landed). An unfollow first marks the edge (a tombstone, invisible to
 * reads), then removes the mirror and the counts, sends its jobs and deletes the edge.
 */
export function createDynamoFollowsRepo(deps: DynamoDeps, outbox: DynamoOutbox, now: () => number): FollowRepo {
  const recountJobs = (item: Item): JobRequest[] => [
    { name: 'follows.recount', payload: { alias: str(item.follower) } },
    { name: 'follows.recount', payload: { alias: str(item.followee) } },
  ];
  const counts = async (follower: string, followee: string, by: number): Promise<void> => {
    const [, followers] = await Promise.all([
      addToExisting(deps, userKey(follower), 'followeeCount', by),
      addToExisting(deps, userKey(followee), 'followerCount', by),
    ]);
    // Suggestions' "followed by many" (people-index.ts): refreshed every POPULAR_STEP followers, not every follow.
    if (followers !== null) await notePopular(deps, followee, followers);
  };

  outbox.handle('follow', {
    async effects(item, recovering) {
      const follower = str(item.follower);
      const followee = str(item.followee);
      await putItem(deps, { Item: { ...followerKey(followee, follower), follower, createdAt: item.createdAt } });
      if (recovering) return recountJobs(item);
      await counts(follower, followee, 1);
      return [];
    },
  });
  outbox.handle('unfollow', {
    async effects(item, recovering) {
      const follower = str(item.follower);
      const followee = str(item.followee);
      await deleteItem(deps, { Key: followerKey(followee, follower) });
      // The followee's unfollow counter goes up after the mirror is gone and before the purge job is sent (on the
      // sweeper's path too), so a fan-out page that sees it unchanged around its write needs no edge re-read
      // (deliveries-repo.ts). In the normal path it rides on the follower count's own ADD.
      if (recovering) {
        await addToExisting(deps, userKey(followee), UNFOLLOWS, 1);
        return recountJobs(item);
      }
      await Promise.all([
        addToExisting(deps, userKey(follower), 'followeeCount', -1),
        updateItem(deps, {
          Key: userKey(followee),
          UpdateExpression: 'ADD followerCount :minus, #unfollows :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#unfollows': UNFOLLOWS },
          ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
        }),
      ]);
      return [];
    },
    async done(item) {
      await deleteItem(deps, {
        Key: followsKey(str(item.follower), str(item.followee)),
        ConditionExpression: 'obxId = :id',
        ExpressionAttributeValues: { ':id': item.obxId },
      });
    },
  });

  /**
   * An edge whose outbox is still pending blocks the opposite change: finish it first (it is milliseconds old). Its
   * own writer may be finishing it at the same time, so this finishes it as a recovery does: the counts are
   * re-counted from the edges (follows.recount jobs) rather than ADDed a second time.
   */
  async function settle(follower: string, followee: string): Promise<Item | null> {
    const item = await getItem(deps, followsKey(follower, followee));
    if (item?.obxId === undefined) return item;
    await outbox.finish(item, true);
    return getItem(deps, followsKey(follower, followee));
  }

  async function add(follower: string, followee: string, createdAt: number, jobs: readonly JobRequest[]) {
    const edge = followsKey(follower, followee);
    const item = { ...edge, follower, followee, createdAt, ...pendingAttributes('follow', jobs, now(), edge) };
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await putNew(deps, item)) {
        await outbox.finish(item);
        return true;
      }
      const existing = await settle(follower, followee);
      if (existing) return false;
    }
    throw new StoreBusyError('follow: the edge keeps changing, try again');
  }

  async function remove(follower: string, followee: string, jobs: readonly JobRequest[]) {
    const edge = followsKey(follower, followee);
    const pending = pendingUpdate(pendingAttributes('unfollow', jobs, now(), edge));
    for (let attempt = 0; attempt < 2; attempt++) {
      const marked = await updateItem(deps, {
        Key: edge,
        UpdateExpression: `SET ${pending.set}`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(obxId)',
        ExpressionAttributeNames: pending.names,
        ExpressionAttributeValues: pending.values,
        ReturnValues: 'ALL_NEW',
      });
      if (marked) {
        await outbox.finish(marked);
        return true;
      }
      const existing = await settle(follower, followee);
      if (!existing) return false;
    }
    throw new StoreBusyError('unfollow: the edge keeps changing, try again');
  }

  /** One page of a user's edges in one direction, ascending, strongly consistent, tombstones skipped. */
  async function list(alias: string, prefix: string, field: string, range: RangeOptions): Promise<KeyPage<string>> {
    const pk = userKey(alias).pk;
    const { items } = await queryUpTo(
      deps,
      {
        TableName: deps.tables.main,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'attribute_not_exists(obxKind) OR obxKind <> :unfollow',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ':unfollow': 'unfollow' },
        ...(range.after === undefined ? {} : { ExclusiveStartKey: { pk, sk: `${prefix}${range.after}` } }),
      },
      range.limit + 1,
    );
    const aliases = items.map((item) => str(item[field]));
    if (aliases.length <= range.limit) return { items: aliases, next: null };
    const page = aliases.slice(0, range.limit);
    return { items: page, next: page.at(-1) ?? null };
  }

  async function count(alias: string, prefix: string): Promise<number> {
    const { count } = await queryAll(deps, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'attribute_not_exists(obxKind) OR obxKind <> :unfollow',
      ExpressionAttributeValues: { ':pk': userKey(alias).pk, ':prefix': prefix, ':unfollow': 'unfollow' },
      Select: 'COUNT',
    });
    return count;
  }

  return {
    add: (follower, followee, options) => add(follower, followee, options.createdAt, options.outbox ?? []),
    remove: (follower, followee, options) => remove(follower, followee, options?.outbox ?? []),
    async exists(follower, followee) {
      const item = await getItem(deps, followsKey(follower, followee));
      return item !== null && item.obxKind !== 'unfollow';
    },
    async existing(edges) {
      const keys = edges.map((e) => followsKey(e.follower, e.followee));
      const items = await batchGet(deps, deps.tables.main, keys, { consistent: true });
      const found = new Set(
        items
          .filter((item) => item.obxKind !== 'unfollow')
          .map((item) => `${str(item.follower)} ${str(item.followee)}`),
      );
      return edges.filter((e) => found.has(`${e.follower} ${e.followee}`));
    },
    followers: (alias, range) => list(alias, FOLLOWER_PREFIX, 'follower', range),
    followees: (alias, range) => list(alias, FOLLOWS_PREFIX, 'followee', range),
    async addMany(edges, createdAt) {
      // A bulk load (the population tool): which edges exist is read first, the new ones are batch-written with
      // their mirrors, and each user's counts get one ADD of their sum. Not for requests: two loads racing on one
      // edge could both count it (follows.recount repairs that).
      const unique = [...new Map(edges.map((e) => [`${e.follower} ${e.followee}`, e])).values()];
      const existing = new Set(
        (
          await batchGet(
            deps,
            deps.tables.main,
            unique.map((e) => followsKey(e.follower, e.followee)),
            {
              consistent: true,
            },
          )
        ).map((item) => `${str(item.follower)} ${str(item.followee)}`),
      );
      const fresh = unique.filter((e) => !existing.has(`${e.follower} ${e.followee}`));
      await batchWrite(
        deps,
        deps.tables.main,
        fresh.flatMap(({ follower, followee }) => [
          { PutRequest: { Item: { ...followsKey(follower, followee), follower, followee, createdAt } } },
          { PutRequest: { Item: { ...followerKey(followee, follower), follower, createdAt } } },
        ]),
      );
      const sums = new Map<string, FollowCounts>();
      const bump = (alias: string, field: keyof FollowCounts): void => {
        const counts = sums.get(alias) ?? { followers: 0, followees: 0 };
        counts[field]++;
        sums.set(alias, counts);
      };
      for (const { follower, followee } of fresh) {
        bump(follower, 'followees');
        bump(followee, 'followers');
      }
      await mapLimit([...sums], deps.batchConcurrency, async ([alias, by]) => {
        const out = await updateItem(deps, {
          Key: userKey(alias),
          UpdateExpression: 'ADD followerCount :followers, followeeCount :followees',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':followers': by.followers, ':followees': by.followees },
          ReturnValues: 'UPDATED_NEW',
        });
        if (out && by.followers > 0) await notePopular(deps, alias, Number(out.followerCount ?? 0), true);
      });
      return fresh.length;
    },
    async recount(alias): Promise<FollowCounts> {
      const [followers, followees] = await Promise.all([count(alias, FOLLOWER_PREFIX), count(alias, FOLLOWS_PREFIX)]);
      await updateItem(deps, {
        Key: userKey(alias),
        UpdateExpression: 'SET followerCount = :followers, followeeCount = :followees',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':followers': followers, ':followees': followees },
      });
      await notePopular(deps, alias, followers, true);
      return { followers, followees };
    },
  };
}

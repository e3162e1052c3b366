import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, batchWrite, isConditionFailed, mapLimit, withRetry, type DynamoDeps, type Item } from '../client.js';
import type { FeedPresence } from '../../../ports/store.js';
import { str } from '../social/items.js';

/**
 * Reposts in home feeds on DynamoDB. A repost's entry is an ordinary feed item keyed by the repost id (so it sorts by
 * when it was reposted) with `original` naming the status it shows. The once-per-feed rule is a claim item per feed
 * and status, `<owner>#R` / `<statusId>` in the feeds table (a partition no feed read touches: aliases never hold
 * '#'), won by a conditional put: the first repost to claim a feed is the one it shows. The feed trim removes the
 * claims of the repost entries it drops; a claim whose entry is gone otherwise (purged by an unfollow) is taken over. Where the status itself is in the feed, no claim is tried.
 */
export interface RepostRef {
  id: string;
  statusId: string;
  reposter: string;
}

const claimKey = (owner: string, statusId: string) => ({ pk: `${owner}#R`, sk: statusId });

/** Writes the repost into the feeds of those owners it may reach; returns the owners whose feed now shows it. */
export async function claimRepostEntries(deps: DynamoDeps, r: RepostRef, owners: readonly string[]): Promise<string[]> {
  if (owners.length === 0) return [];
  const table = deps.tables.feeds;
  const plain = await batchGet(
    deps,
    table,
    owners.map((owner) => ({ pk: owner, sk: r.statusId })),
    { consistent: true },
  );
  const hasOriginal = new Set(plain.map((item) => str(item.pk)));
  const won = await mapLimit(
    owners.filter((o) => !hasOriginal.has(o)),
    deps.batchConcurrency,
    async (owner) => ((await claim(deps, r, owner)) ? owner : null),
  );
  const winners = won.filter((o): o is string => o !== null);
  await batchWrite(
    deps,
    table,
    winners.map((owner) => ({
      PutRequest: { Item: { pk: owner, sk: r.id, author: r.reposter, original: r.statusId } },
    })),
  );
  return winners;
}

/** Takes the repost out of these owners' feeds with its claims; returns the owners whose feed held it. */
export async function removeRepostEntries(
  deps: DynamoDeps,
  r: { id: string; statusId: string },
  owners: readonly string[],
): Promise<string[]> {
  if (owners.length === 0) return [];
  const table = deps.tables.feeds;
  const present = await batchGet(
    deps,
    table,
    owners.map((owner) => ({ pk: owner, sk: r.id })),
    { consistent: true },
  );
  const held = present.map((item) => str(item.pk));
  await batchWrite(
    deps,
    table,
    held.map((owner) => ({ DeleteRequest: { Key: { pk: owner, sk: r.id } } })),
  );
  await mapLimit(owners, deps.batchConcurrency, (owner) => releaseClaim(deps, owner, r));
  return held;
}

/**
 * Removes the claims these repost entries of `owner`'s feed hold (the feed trim's, for the entries it drops): one
 * conditional delete each, so a claim another repost has taken over since stays. Idempotent.
 */
export async function releaseClaims(
  deps: DynamoDeps,
  owner: string,
  entries: readonly { id: string; statusId: string }[],
): Promise<void> {
  await mapLimit(entries, deps.batchConcurrency, (r) => releaseClaim(deps, owner, r));
}

async function releaseClaim(deps: DynamoDeps, owner: string, r: { id: string; statusId: string }): Promise<void> {
  try {
    await withRetry(deps.retry, () =>
      deps.doc.send(
        new DeleteCommand({
          TableName: deps.tables.feeds,
          Key: claimKey(owner, r.statusId),
          ConditionExpression: 'repostId = :id',
          ExpressionAttributeValues: { ':id': r.id },
        }),
      ),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err; // another repost's claim (or none): not this one's to remove
  }
}

// One feed's claim: new, already this repost's (a replay), or taken over from a repost whose entry is gone.
async function claim(deps: DynamoDeps, r: RepostRef, owner: string): Promise<boolean> {
  const table = deps.tables.feeds;
  const put = async (condition: string, values: Item): Promise<boolean> => {
    try {
      await withRetry(deps.retry, () =>
        deps.doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...claimKey(owner, r.statusId), repostId: r.id },
            ConditionExpression: condition,
            ExpressionAttributeValues: values,
          }),
        ),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  };
  if (await put('attribute_not_exists(pk) OR repostId = :id', { ':id': r.id })) return true;
  const current = await withRetry(deps.retry, () =>
    deps.doc.send(new GetCommand({ TableName: table, Key: claimKey(owner, r.statusId), ConsistentRead: true })),
  );
  const holder = current.Item ? str(current.Item.repostId) : null;
  if (holder === null) return put('attribute_not_exists(pk)', {});
  const entry = await withRetry(deps.retry, () =>
    deps.doc.send(new GetCommand({ TableName: table, Key: { pk: owner, sk: holder }, ConsistentRead: true })),
  );
  if (entry.Item) return false; // an earlier repost shows there: it stays
  return put('repostId = :old', { ':old': holder });
}

/**
 * FeedRepo.presence: the statuses' own entries and claims in one BatchGet, then the entries the claims name (a claim
 * outlives an entry trimmed or purged, so only one whose entry is there counts). Eventually consistent, as feed
 * reads are.
 */
export async function feedPresence(
  deps: DynamoDeps,
  owner: string,
  statusIds: readonly string[],
): Promise<FeedPresence> {
  const out: FeedPresence = { plain: new Set(), reposts: new Map() };
  if (statusIds.length === 0) return out;
  const table = deps.tables.feeds;
  const found = await batchGet(deps, table, [
    ...statusIds.map((sk) => ({ pk: owner, sk })),
    ...statusIds.map((id) => claimKey(owner, id)),
  ]);
  const claims = new Map<string, string>();
  for (const item of found) {
    if (str(item.pk) === owner) out.plain.add(str(item.sk));
    else if (typeof item.repostId === 'string') claims.set(str(item.sk), item.repostId);
  }
  if (claims.size === 0) return out;
  const held = await batchGet(
    deps,
    table,
    [...claims.values()].map((sk) => ({ pk: owner, sk })),
  );
  const heldIds = new Set(held.map((item) => str(item.sk)));
  for (const [statusId, repostId] of claims) if (heldIds.has(repostId)) out.reposts.set(statusId, repostId);
  return out;
}

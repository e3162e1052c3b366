import type { FeedEntry, FeedRepo } from '../../../ports/store.js';
import { batchGet, batchWrite, queryUpTo, type DynamoDeps, type Item, type WriteRequest } from '../client.js';
import { str } from '../social/items.js';
import { FEED_INDEXES } from '../tables.js';

/**
 * Home feeds on their own table: pk the owner, sk the status id (newest first = descending), the author beside
 * it and in the `byAuthor` LSI sort key (`<author>#<statusId>`), so unfollowing finds one author's entries in one
 * feed with a strongly consistent Query. An entry is ~70 bytes: one write unit, plus one for the LSI.
 */
export function createDynamoFeedsRepo(deps: DynamoDeps): FeedRepo {
  const table = deps.tables.feeds;
  return {
    async page(owner, range) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: table,
          // Eventually consistent (half the read units): an entry written a moment ago may show a moment later.
          KeyConditionExpression: 'pk = :owner AND sk < :before',
          ExpressionAttributeValues: { ':owner': owner, ':before': range.before ?? '\u{10FFFF}' },
          ScanIndexForward: false,
        },
        range.limit,
      );
      return items.map(toEntry);
    },
    async addMany(entries) {
      await putEntries(deps, entries);
      return entries.length;
    },
    async removeByAuthor(owner, author) {
      const found: Item[] = [];
      for (let start: Item | undefined; ;) {
        const { items, more } = await queryUpTo(
          deps,
          {
            TableName: table,
            IndexName: FEED_INDEXES.byAuthor.name,
            ConsistentRead: true,
            KeyConditionExpression: 'pk = :owner AND begins_with(#a, :prefix)',
            ExpressionAttributeNames: { '#a': FEED_INDEXES.byAuthor.sk },
            ExpressionAttributeValues: { ':owner': owner, ':prefix': `${author}#` },
            ...(start ? { ExclusiveStartKey: start } : {}),
          },
          1_000,
        );
        found.push(...items);
        if (!more) break;
        start = items.at(-1);
      }
      await deleteEntries(
        deps,
        found.map((item) => ({ owner, statusId: str(item.sk) })),
      );
      return found.length;
    },
    async removeStatus(statusId, owners) {
      // Read first (consistent) to count only what was there; BatchWriteItem does not say.
      const present = await batchGet(
        deps,
        table,
        owners.map((owner) => ({ pk: owner, sk: statusId })),
        { consistent: true },
      );
      await deleteEntries(
        deps,
        present.map((item) => ({ owner: str(item.pk), statusId })),
      );
      return present.length;
    },
  };
}

export function entryItem(entry: FeedEntry): Item {
  return {
    pk: entry.owner,
    sk: entry.statusId,
    author: entry.author,
    [FEED_INDEXES.byAuthor.sk]: `${entry.author}#${entry.statusId}`,
  };
}

/** BatchWriteItem puts of feed entries, 25 a call (idempotent: the key is owner + status id). */
export function putEntries(deps: DynamoDeps, entries: readonly FeedEntry[]): Promise<void> {
  // One call may not name a key twice.
  const unique = new Map(entries.map((e) => [`${e.owner}\u0000${e.statusId}`, e]));
  const requests: WriteRequest[] = [...unique.values()].map((e) => ({ PutRequest: { Item: entryItem(e) } }));
  return batchWrite(deps, deps.tables.feeds, requests);
}

export function deleteEntries(deps: DynamoDeps, keys: readonly { owner: string; statusId: string }[]): Promise<void> {
  const requests: WriteRequest[] = keys.map((k) => ({ DeleteRequest: { Key: { pk: k.owner, sk: k.statusId } } }));
  return batchWrite(deps, deps.tables.feeds, requests);
}

function toEntry(item: Item): FeedEntry {
  return { owner: str(item.pk), statusId: str(item.sk), author: str(item.author) };
}

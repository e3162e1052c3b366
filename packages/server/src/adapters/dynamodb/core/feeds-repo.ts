import type { FeedEntry, FeedRepo } from '../../../ports/store.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  batchGet,
  batchWrite,
  queryUpTo,
  withRetry,
  type DynamoDeps,
  type Item,
  type WriteRequest,
} from '../client.js';
import { str } from '../social/items.js';
import { feedPresence, releaseClaims } from './repost-feed.js';

/**
 * Home feeds on their own table: pk the owner, sk the status id (newest first = descending), the author beside
 * it. An entry is ~70 bytes: one write unit. Feeds are bounded (FEED_MAX_ENTRIES, the feed.trim job), so an
 * unfollow purge reads the owner's whole feed (a strongly consistent Query filtered by author, ~20 read units at
 * 1,100 entries) rather than an index by author. The table's `byAuthor` LSI served that purge before feeds were
 * bounded; entries no longer carry its sort key, so it stays empty of new entries and costs no writes (an LSI
 * cannot be removed from a table without recreating it).
 */
export function createDynamoFeedsRepo(deps: DynamoDeps): FeedRepo {
  const table = deps.tables.feeds;
  const repo: FeedRepo = {
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
    async removeByAuthorIds(owner, author) {
      const found: Item[] = [];
      for (let start: Record<string, unknown> | undefined; ;) {
        const out = await withRetry(deps.retry, () =>
          deps.doc.send(
            new QueryCommand({
              TableName: table,
              ConsistentRead: true,
              KeyConditionExpression: 'pk = :owner',
              FilterExpression: 'author = :author',
              ExpressionAttributeValues: { ':owner': owner, ':author': author },
              ProjectionExpression: 'sk',
              ExclusiveStartKey: start,
            }),
          ),
        );
        found.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
        if (!start) break;
      }
      await deleteEntries(
        deps,
        found.map((item) => ({ owner, statusId: str(item.sk) })),
      );
      return found.map((item) => str(item.sk));
    },
    async removeByAuthor(owner, author) {
      return (await repo.removeByAuthorIds(owner, author)).length;
    },
    async trim(owner, { keep, limit }) {
      if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`keep must be a whole number, got ${keep}`);
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
      // The newest keep + limit keys (strongly consistent: an entry a purge just removed must not count towards
      // the bound); those past the first `keep` go. DynamoDB has no offset, so the kept keys are read too.
      const { items } = await queryUpTo(
        deps,
        {
          TableName: table,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :owner',
          ExpressionAttributeValues: { ':owner': owner },
          ProjectionExpression: 'sk, original',
          ScanIndexForward: false,
        },
        keep + limit,
      );
      const past = items.slice(keep);
      // A dropped repost entry's claim goes first: a crash in between leaves the entry, which the next trim drops
      // (with its claim, again: the conditional delete is idempotent); never a claim without its entry to look for.
      await releaseClaims(
        deps,
        owner,
        past.flatMap((item) =>
          typeof item.original === 'string' ? [{ id: str(item.sk), statusId: item.original }] : [],
        ),
      );
      await deleteEntries(
        deps,
        past.map((item) => ({ owner, statusId: str(item.sk) })),
      );
      return past.length;
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
    presence(owner, statusIds) {
      return feedPresence(deps, owner, statusIds);
    },
  };
  return repo;
}

export function entryItem(entry: FeedEntry): Item {
  // No `authorSk`: without it the entry stays out of the byAuthor LSI (one write unit instead of two).
  return { pk: entry.owner, sk: entry.statusId, author: entry.author };
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
  const entry: FeedEntry = { owner: str(item.pk), statusId: str(item.sk), author: str(item.author) };
  if (typeof item.original === 'string') entry.original = item.original; // a repost (repost-feed.ts)
  return entry;
}

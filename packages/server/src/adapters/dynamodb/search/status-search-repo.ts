import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { hourOf, type SearchHit, type StatusSearchRepo, type TagTrend } from '../../../ports/status-search.js';
import { batchWrite, key, mapLimit, withRetry, type DynamoDeps, type Item, type WriteRequest } from '../client.js';
import { ttlSeconds } from '../core/keys.js';
import { getItem, num, putNew, queryAll, str, updateItem } from '../social/items.js';

// Item layout (main table; docs/aws.md lists it):
// - SDOC#<statusId> / SDOC: the indexed status: author and terms (what `remove` deletes), the "indexed" marker.
// - TERM#<term> / <statusId>: one per term of the status (the term partition), newest first by sk, carrying every
//   term of the status (`t`) so a several-word query reads ONE partition and filters on the others.
// - TRENDS#<hour> / TAG#<tag>: `statuses` and `accounts` ADDed as statuses are indexed (hourly counters).
// - TAGUSE#<tag> / USER#<author>: the hour of the author's latest counted use of the tag (moves their account count).
const docKey = (statusId: string) => ({ pk: key('SDOC', statusId), sk: 'SDOC' });
const termPk = (term: string) => key('TERM', term);
const trendPk = (hour: number) => key('TRENDS', String(hour));
const HOUR_MS = 3_600_000;
// Counters outlive the 24-hour window by an hour; TTL reclaims them after (hours late is fine: reads bound by hour).
const counterTtl = (hour: number) => ttlSeconds((hour + 25) * HOUR_MS);

/** The rarest-looking term drives the query: a hashtag or mention over a word, then the longest word. */
function drivingTerm(terms: readonly string[]): string {
  const rank = (t: string) => (t.startsWith('#') || t.startsWith('@') ? 1000 : 0) + [...t].length;
  return [...terms].sort((a, b) => rank(b) - rank(a))[0] ?? '';
}

/** Status search on DynamoDB: term partitions and hourly counters written by the `index.status` job. */
export function createDynamoStatusSearchRepo(deps: DynamoDeps): StatusSearchRepo {
  const table = deps.tables.main;

  async function countTags(author: string, tags: readonly string[], hour: number): Promise<void> {
    await mapLimit(tags, 4, async (tag) => {
      const bucket = { pk: trendPk(hour), sk: key('TAG', tag) };
      // Only an earlier (or no) latest use moves: a late job for an older hour changes nothing.
      const before = await updateItem(deps, {
        Key: { pk: key('TAGUSE', tag), sk: key('USER', author) },
        UpdateExpression: 'SET lastHour = :h, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(lastHour) OR lastHour < :h',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':h': hour, ':ttl': counterTtl(hour) },
        ReturnValues: 'UPDATED_OLD',
      });
      const moved = before !== null;
      await updateItem(deps, {
        Key: bucket,
        UpdateExpression: 'SET tag = :tag, #ttl = :ttl ADD statuses :one, accounts :acc',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':tag': tag, ':ttl': counterTtl(hour), ':one': 1, ':acc': moved ? 1 : 0 },
      });
      if (before !== null && typeof before.lastHour === 'number') {
        await updateItem(deps, {
          Key: { pk: trendPk(before.lastHour), sk: key('TAG', tag) },
          UpdateExpression: 'ADD accounts :minus',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':minus': -1 },
        });
      }
    });
  }

  return {
    async index(s) {
      // The marker first: only the call that writes it counts the tags (a retry re-writes the terms, never counts).
      const first = await putNew(deps, { ...docKey(s.statusId), author: s.author, terms: [...s.terms] });
      const requests: WriteRequest[] = s.terms.map((term) => ({
        PutRequest: { Item: { pk: termPk(term), sk: s.statusId, a: s.author, t: [...s.terms] } },
      }));
      await batchWrite(deps, table, requests);
      if (first) await countTags(s.author, s.tags, hourOf(s.createdAt));
    },

    async remove(statusId) {
      const doc = await getItem(deps, docKey(statusId));
      if (!doc) return;
      const terms = Array.isArray(doc.terms) ? doc.terms.map(str) : [];
      await batchWrite(
        deps,
        table,
        terms.map((term) => ({ DeleteRequest: { Key: { pk: termPk(term), sk: statusId } } })),
      );
      await batchWrite(deps, table, [{ DeleteRequest: { Key: docKey(statusId) } }]);
    },

    async search(terms, range) {
      if (terms.length === 0) return { hits: [], next: null };
      const driving = drivingTerm(terms);
      const others = terms.filter((t) => t !== driving);
      const names: Record<string, string> = { '#t': 't' };
      const values: Record<string, unknown> = { ':pk': termPk(driving) };
      others.forEach((t, i) => (values[`:t${i}`] = t));
      const filter = others.map((_, i) => `contains(#t, :t${i})`).join(' AND ');
      const hits: SearchHit[] = [];
      let start: Item | undefined = range.after === undefined ? undefined : { pk: termPk(driving), sk: range.after };
      let scanned = 0;
      // Read on until a page and one more are found, the partition ends, or `scan` entries were read.
      while (hits.length <= range.limit && scanned < range.scan) {
        const out = await withRetry(deps.retry, () =>
          deps.doc.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :pk',
              ScanIndexForward: false,
              Limit: Math.min(range.scan - scanned, Math.max(range.limit + 1, 100)),
              ExclusiveStartKey: start,
              ...(others.length > 0 ? { FilterExpression: filter, ExpressionAttributeNames: names } : {}),
              ExpressionAttributeValues: values,
            }),
          ),
        );
        scanned += out.ScannedCount ?? 0;
        for (const item of out.Items ?? [])
          hits.push({ statusId: str(item.sk), author: str(item.a), key: str(item.sk) });
        start = out.LastEvaluatedKey;
        if (!start) break;
      }
      if (hits.length > range.limit) {
        const page = hits.slice(0, range.limit);
        return { hits: page, next: page.at(-1)?.key ?? null };
      }
      return { hits, next: start ? str(start.sk) : null };
    },

    async trends({ from, to }, limit) {
      const hours = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
      const byTag = new Map<string, TagTrend>();
      const buckets = await mapLimit(hours, 8, (hour) =>
        queryAll(deps, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': trendPk(hour) } }),
      );
      for (const { items } of buckets) {
        for (const item of items) {
          const tag = str(item.tag);
          const t = byTag.get(tag) ?? { tag, statuses: 0, accounts: 0 };
          t.statuses += num(item.statuses);
          t.accounts += num(item.accounts);
          byTag.set(tag, t);
        }
      }
      return [...byTag.values()]
        .filter((t) => t.accounts > 0)
        .sort((a, b) => b.accounts - a.accounts || b.statuses - a.statuses || (a.tag < b.tag ? -1 : 1))
        .slice(0, limit);
    },

    async pruneTrends() {
      return 0; // counter items carry `ttl`: DynamoDB's TTL reclaims them
    },

    async size() {
      return null; // DynamoDB cannot count one key prefix without reading it
    },
  };
}

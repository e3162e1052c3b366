import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  hourOf,
  type IndexedStatus,
  type SearchHit,
  type StatusSearchRepo,
  type TagTrend,
} from '../../../ports/status-search.js';
import { batchWrite, key, mapLimit, withRetry, type DynamoDeps, type Item, type WriteRequest } from '../client.js';
import { ttlSeconds } from '../core/keys.js';
import { getItem, num, putNew, queryAll, str, updateItem } from '../social/items.js';

// Item layout (main table; docs/aws.md lists it):
// - SDOC#<statusId> / SDOC: the indexed status: author and terms (what `remove` deletes), the "indexed" marker,
//   and `owe`: the tags whose counters are not yet written (emptied tag by tag as they are).
// - TERM#<term> / <statusId>: one per term of the status (the term partition), newest first by sk, carrying every
//   term of the status (`t`) so a several-word query reads ONE partition and filters on the others.
// - TRENDS#<hour> / TAG#<tag>: `statuses` and `accounts` ADDed as statuses are indexed (hourly counters).
// - TAGUSE#<tag> / USER#<author>: the hour of the author's latest counted use of the tag (moves their account count),
//   the status that moved it there and the hour it moved from (so a retried count knows it moved it).
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

/** The tags a marker still owes the counters (none for markers written before `owe`, or once counted). */
function oweOf(doc: Item | null): string[] {
  const owe = doc?.owe;
  return owe instanceof Set ? [...owe].map(str) : [];
}

/** Status search on DynamoDB: term partitions and hourly counters written by the `index.status` job. */
export function createDynamoStatusSearchRepo(deps: DynamoDeps): StatusSearchRepo {
  const table = deps.tables.main;

  /**
   * Counts one tag of a status, as a redelivered job can finish: (1) the author's latest use of the tag moves to this
   * hour, recording which status moved it and from where, so a retry knows it did; (2) the hour's counters are
   * ADDed; (3) the tag leaves the marker's `owe` set. A crash before (3) is redone by the retry: counted late, not
   * lost. Left: a crash between (2) and (3) counts that status twice (one ADD repeated), and a retry that comes
   * after a later post of the same tag by the same author moved their latest use on adds the status but not the
   * account (docs/aws.md, "what can lag").
   */
  async function countTag(statusId: string, author: string, tag: string, hour: number): Promise<void> {
    const useKey = { pk: key('TAGUSE', tag), sk: key('USER', author) };
    // Only an earlier (or no) latest use moves: a late job for an older hour changes nothing.
    const moved = await updateItem(deps, {
      Key: useKey,
      UpdateExpression: 'SET movedFrom = if_not_exists(lastHour, :none), lastHour = :h, movedBy = :s, #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(lastHour) OR lastHour < :h',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':h': hour, ':s': statusId, ':none': -1, ':ttl': counterTtl(hour) },
      ReturnValues: 'ALL_NEW',
    });
    // Not moved now: moved by this very status on an earlier try (its record says so), or by none.
    const use = moved ?? (await getItem(deps, useKey));
    const byThis = use !== null && use.movedBy === statusId && use.lastHour === hour;
    await updateItem(deps, {
      Key: { pk: trendPk(hour), sk: key('TAG', tag) },
      UpdateExpression: 'SET tag = :tag, #ttl = :ttl ADD statuses :one, accounts :acc',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':tag': tag, ':ttl': counterTtl(hour), ':one': 1, ':acc': byThis ? 1 : 0 },
    });
    const from = byThis ? num(use.movedFrom) : -1;
    if (byThis && from >= 0 && from !== hour) {
      await updateItem(deps, {
        Key: { pk: trendPk(from), sk: key('TAG', tag) },
        UpdateExpression: 'ADD accounts :minus',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':minus': -1 },
      });
    }
    await updateItem(deps, {
      Key: docKey(statusId),
      UpdateExpression: 'DELETE owe :tag',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':tag': new Set([tag]) },
    });
  }

  const index = async (s: IndexedStatus): Promise<void> => {
    const owed = s.countTrends === false ? [] : [...new Set(s.tags)];
    // The marker first, with the tags still to count (`owe`, a string set): only the call that writes it starts
    // the counting, and a retry finishes the tags a crashed try left in it (a retry re-writes the terms too).
    const first = await putNew(deps, {
      ...docKey(s.statusId),
      author: s.author,
      terms: [...s.terms],
      ...(owed.length > 0 ? { owe: new Set(owed) } : {}),
    });
    const requests: WriteRequest[] = s.terms.map((term) => ({
      PutRequest: { Item: { pk: termPk(term), sk: s.statusId, a: s.author, t: [...s.terms] } },
    }));
    await batchWrite(deps, table, requests);
    const left = first ? owed : oweOf(await getItem(deps, docKey(s.statusId)));
    const hour = hourOf(s.createdAt);
    await mapLimit(left, 4, (tag) => countTag(s.statusId, s.author, tag, hour));
  };

  return {
    index,
    async indexMany(statuses) {
      await Promise.all(statuses.map(index));
      return { checked: false };
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

import { peopleTerms } from '../../../domain/people-terms.js';
import type { PeopleCandidate, PeopleEntry, PeopleHit, PeopleIndex } from '../../../ports/people-index.js';
import {
  batchGet,
  batchWrite,
  key,
  mapLimit,
  queryUpTo,
  type DynamoDeps,
  type Key,
  type WriteRequest,
} from '../client.js';
import { deleteItem, getItem, num, putItem, str } from '../social/items.js';
import { userKey } from './keys.js';

/** An account enters the POPULAR partition once its follower count reaches this (suggestions' fallback). */
export const POPULAR_MIN_FOLLOWERS = 10;
/** Its entry there is rewritten every this many followers (not on every follow: a celebrity's item stays cool). */
export const POPULAR_STEP = 10;
/** At most this many POPULAR items are read per call (the partition is read whole up to it, then sorted). */
const POPULAR_READ_MAX = 2_000;
const POPULAR_PK = 'POPULAR';

type Kind = 'alias' | 'name';
const KIND_CODE: Record<Kind, string> = { alias: 'A', name: 'N' };

/**
 * A term item: `PEOPLE#<A|N>#<first character>` / `<term>#<alias>`, so a prefix of one character or more is one
 * Query with begins_with on the sort key, in term order. Terms hold only letters and digits (aliases [a-z0-9_]),
 * so '#' ends the term. The first character spreads the index over some 36+ partition keys (docs/aws.md).
 */
function termKey(kind: Kind, term: string, alias: string): Key {
  return { pk: partitionOf(kind, term), sk: `${term}#${alias}` };
}
function partitionOf(kind: Kind, term: string): string {
  return key('PEOPLE', KIND_CODE[kind], String.fromCodePoint(term.codePointAt(0) ?? 0x5f));
}
/**
 * The account's own record of its terms (`PEOPLEOF#<alias>` / `PEOPLE`), so a re-index removes the stale ones; outside
 * the user's partition, which an account's deletion empties on its own schedule.
 */
const recordKey = (alias: string): Key => ({ pk: key('PEOPLEOF', alias), sk: 'PEOPLE' });
export const popularKey = (alias: string): Key => ({ pk: POPULAR_PK, sk: key('USER', alias) });

function termKeys(entry: PeopleEntry): Key[] {
  const terms = peopleTerms(entry);
  return [termKey('alias', terms.alias, entry.alias), ...terms.names.map((word) => termKey('name', word, entry.alias))];
}

/** The people index on DynamoDB (written by the `index.user` job; queries are eventually consistent reads). */
export function createDynamoPeopleIndex(deps: DynamoDeps): PeopleIndex {
  const stored = async (alias: string): Promise<Key[]> => {
    const item = await getItem(deps, recordKey(alias));
    const keys = item?.terms;
    if (!Array.isArray(keys)) return [];
    return keys.map((k: unknown) => {
      const [pk, sk] = String(k).split('\n');
      return { pk: pk ?? '', sk: sk ?? '' };
    });
  };
  const put = async (entry: PeopleEntry): Promise<void> => {
    const fresh = termKeys(entry);
    const names = new Set(fresh.map((k) => `${k.pk}\n${k.sk}`));
    const stale = (await stored(entry.alias)).filter((k) => !names.has(`${k.pk}\n${k.sk}`));
    // New terms first, then the record, then the stale ones go: a crash in between leaves extra terms (filtered
    // by callers against the account as it is), never a missing one.
    const writes: WriteRequest[] = fresh.map((k) => ({ PutRequest: { Item: { ...k, alias: entry.alias } } }));
    await batchWrite(deps, deps.tables.main, writes);
    await putItem(deps, { Item: { ...recordKey(entry.alias), terms: [...names] } });
    await batchWrite(
      deps,
      deps.tables.main,
      stale.map((k) => ({ DeleteRequest: { Key: k } })),
    );
  };
  const read = async (kind: Kind, prefix: string, limit: number): Promise<string[]> => {
    const seen = new Set<string>();
    const { items } = await queryUpTo(
      deps,
      {
        TableName: deps.tables.main,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partitionOf(kind, prefix), ':prefix': prefix },
      },
      limit * 2,
    );
    for (const item of items) {
      seen.add(str(item.alias));
      if (seen.size === limit) break;
    }
    return [...seen];
  };
  const match = async (query: { aliasPrefix?: string; namePrefix?: string }, limit: number): Promise<PeopleHit[]> => {
    const [aliases, names] = await Promise.all([
      query.aliasPrefix ? read('alias', query.aliasPrefix, limit) : Promise.resolve([]),
      query.namePrefix ? read('name', query.namePrefix, limit) : Promise.resolve([]),
    ]);
    return [
      ...aliases.map((alias): PeopleHit => ({ alias, kind: 'alias' })),
      ...names.map((alias): PeopleHit => ({ alias, kind: 'name' })),
    ];
  };
  return {
    put,
    async putMany(entries) {
      await mapLimit(entries, deps.batchConcurrency, put);
    },
    async remove(alias) {
      const keys = await stored(alias);
      await batchWrite(
        deps,
        deps.tables.main,
        keys.map((k) => ({ DeleteRequest: { Key: k } })),
      );
      await deleteItem(deps, { Key: recordKey(alias) });
      await deleteItem(deps, { Key: popularKey(alias) });
    },
    match,
    async candidates(query, limit) {
      const hits = await match(query, limit);
      // One eventually consistent batch read (an item costs the same read units whatever is projected).
      const users = new Map(
        (await batchGet(deps, deps.tables.main, [...new Set(hits.map((h) => h.alias))].map(userKey))).map(
          (item) => [str(item.alias), item] as const,
        ),
      );
      return hits.flatMap((hit): PeopleCandidate[] => {
        const user = users.get(hit.alias);
        if (!user) return [];
        const { firstName, lastName, followerCount } = user;
        return [{ ...hit, firstName: str(firstName), lastName: str(lastName), followerCount: num(followerCount) }];
      });
    },
    async popular(limit) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': POPULAR_PK },
        },
        POPULAR_READ_MAX,
      );
      return items
        .map((item) => ({ alias: str(item.alias), followers: Number(item.followers ?? 0) }))
        .sort((a, b) => b.followers - a.followers || (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0))
        .slice(0, limit)
        .map((p) => p.alias);
    },
  };
}

/** Records `alias` in the POPULAR partition at `followers`, when it is due (at POPULAR_MIN, then every POPULAR_STEP). */
export async function notePopular(deps: DynamoDeps, alias: string, followers: number, force = false): Promise<void> {
  if (followers < POPULAR_MIN_FOLLOWERS) return;
  if (!force && followers % POPULAR_STEP !== 0) return;
  await putItem(deps, { Item: { ...popularKey(alias), alias, followers } });
}

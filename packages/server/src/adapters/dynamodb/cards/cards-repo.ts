import type { Card } from '@tweeter/shared';
import type { CardEntry, CardRepo } from '../../../ports/card-store.js';
import { batchGet, key, type DynamoDeps, type Item, type Key } from '../client.js';
import { getItem, num, putItem, str, updateItem } from '../social/items.js';

/** A URL's card: `CARD#<normalized url>` / `CARD` on the main table (URLs are at most 2,048 bytes, under the key limit). */
export const cardKey = (urlKey: string): Key => ({ pk: key('CARD', urlKey), sk: 'CARD' });

/**
 * The link card cache on DynamoDB: one item per normalized URL. The claim is a conditional UpdateItem, so of
 * many fetch jobs for one URL (on any number of Lambda invocations) exactly one fetches it.
 */
export function createDynamoCardsRepo(deps: DynamoDeps): CardRepo {
  return {
    async getMany(keys) {
      const out = new Map<string, CardEntry>();
      if (keys.length === 0) return out;
      for (const item of await batchGet(deps, deps.tables.main, keys.map(cardKey))) {
        const entry = toEntry(item);
        out.set(entry.key, entry);
      }
      return out;
    },
    async get(urlKey) {
      const item = await getItem(deps, cardKey(urlKey));
      return item ? toEntry(item) : null;
    },
    async claim(urlKey, now, until) {
      const updated = await updateItem(deps, {
        Key: cardKey(urlKey),
        // A new item starts pending; an existing one keeps its state and card while it is refreshed.
        UpdateExpression:
          'SET claimUntil = :until, urlKey = :key, #s = if_not_exists(#s, :pending), ' +
          'fetchedAt = if_not_exists(fetchedAt, :zero), freshUntil = if_not_exists(freshUntil, :zero)',
        ConditionExpression: 'attribute_not_exists(pk) OR (freshUntil <= :now AND claimUntil <= :now)',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':until': until, ':now': now, ':key': urlKey, ':pending': 'pending', ':zero': 0 },
      });
      return updated !== null;
    },
    async put(entry) {
      await putItem(deps, {
        Item: {
          ...cardKey(entry.key),
          urlKey: entry.key,
          state: entry.state,
          ...(entry.card ? { card: entry.card } : {}),
          fetchedAt: entry.fetchedAt,
          freshUntil: entry.freshUntil,
          claimUntil: 0,
        },
      });
    },
  };
}

function toEntry(item: Item): CardEntry {
  const state = str(item.state);
  return {
    key: str(item.urlKey),
    state: state === 'ok' || state === 'failed' ? state : 'pending',
    card: toCard(item.card),
    fetchedAt: num(item.fetchedAt),
    freshUntil: num(item.freshUntil),
    claimUntil: num(item.claimUntil),
  };
}

function toCard(value: unknown): Card | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const optional = (x: unknown) => (typeof x === 'string' ? x : null);
  return {
    url: str(v.url),
    title: str(v.title),
    description: str(v.description),
    imageUrl: optional(v.imageUrl),
    siteName: optional(v.siteName),
  };
}

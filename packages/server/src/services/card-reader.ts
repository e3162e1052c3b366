import type { Card } from '@tweeter/shared';
import { LRUCache } from 'lru-cache';
import { cardKey, firstUrl } from '../domain/card-url.js';
import type { CardRepo, StatusRecord } from '../ports/store.js';
import type { Clock } from '../ports/clock.js';

/** How long "this page gave no card" is believed here (the negative cache entry itself lasts an hour). */
const FAILED_TTL_MS = 60_000;

/**
 * The card of each status, found by the first URL of its text in the card cache (one batched read for a page).
 * Ready cards are kept here for `ttlMs` (a refreshed card shows that late), pages that gave none for a minute; a
 * card still being made is read again every time (for the seconds that takes).
 */
export class CardReader {
  private readonly cache: LRUCache<string, { card: Card | null }>;
  private readonly keys = new WeakMap<StatusRecord, string | null>();

  constructor(private readonly deps: { cards: CardRepo; clock: Clock; ttlMs: number }) {
    this.cache = new LRUCache({ max: 20_000, ttl: deps.ttlMs, perf: deps.clock, ttlResolution: 0 });
  }

  /** Status id → its card, for the records that have one ready. */
  async forRecords(records: readonly StatusRecord[]): Promise<Map<string, Card>> {
    const cards = await this.at(records);
    const out = new Map<string, Card>();
    for (let i = 0; i < records.length; i++) {
      const card = cards[i];
      if (card !== undefined) out.set((records[i] as StatusRecord).id, card);
    }
    return out;
  }

  /** The same by position: `out[i]` is the ready card of `records[i]`, if any (a page's, without maps by id). */
  async at(records: readonly (StatusRecord | undefined)[]): Promise<(Card | undefined)[]> {
    const out = new Array<Card | undefined>(records.length);
    // The keys not cached here, each with the positions that show it.
    let missing: Map<string, number[]> | undefined;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const key = r === undefined ? null : this.keyOf(r);
      if (key === null) continue;
      const hit = this.cache.get(key);
      if (hit) {
        if (hit.card !== null) out[i] = hit.card;
      } else {
        missing ??= new Map();
        const at = missing.get(key);
        if (at === undefined) missing.set(key, [i]);
        else at.push(i);
      }
    }
    if (missing === undefined) return out;
    const found = await this.deps.cards.getMany([...missing.keys()]);
    for (const [key, at] of missing) {
      const entry = found.get(key);
      const card = entry?.card ?? null;
      // A card still being made is not cached: the next read (after status.updated) must find it.
      if (card !== null) this.cache.set(key, { card });
      else if (entry?.state === 'failed') this.cache.set(key, { card }, { ttl: FAILED_TTL_MS });
      if (card !== null) for (const i of at) out[i] = card;
    }
    return out;
  }

  // The card key of a record's first URL, found once per record object (records are cached and immutable).
  private keyOf(r: StatusRecord): string | null {
    let key = this.keys.get(r);
    if (key === undefined) {
      const url = firstUrl(r.segments);
      key = url === null ? null : cardKey(url);
      this.keys.set(r, key);
    }
    return key;
  }

  /** Drops what is cached for this URL key (the card job wrote a new one). */
  forget(key: string): void {
    this.cache.delete(key);
  }
}

import type { TestContext } from 'vitest';
import { describe, expect } from 'vitest';
import type { CardEntry, Store } from '../../src/ports/store.js';
import { T0 } from './store-fixtures.js';

/** What the link card cases need from the Store contract: its test registrar and the current store. */
export interface CardContractHooks {
  test: (title: string, fn: (ctx: TestContext) => Promise<void>) => void;
  store: () => Store;
}

const KEY = 'https://example.com/notes?a=1';
const CARD = {
  url: 'https://example.com/notes?a=1',
  title: 'Notes',
  description: 'On the engine',
  imageUrl: 'https://example.com/i.png',
  siteName: null,
};

function ok(key: string, fetchedAt: number, freshUntil: number): Omit<CardEntry, 'claimUntil'> {
  return { key, state: 'ok', card: { ...CARD, url: key }, fetchedAt, freshUntil };
}

/** The link card cache: claims that exactly one caller wins, results, batched reads. */
export function runCardStoreContract({ test, store: current }: CardContractHooks): void {
  describe('link cards', () => {
    test('a first claim writes a pending entry; a second claim is refused while the first runs', async () => {
      const { cards } = current();
      expect(await cards.get(KEY)).toBeNull();
      expect(await cards.claim(KEY, T0, T0 + 30_000)).toBe(true);
      expect(await cards.get(KEY)).toMatchObject({ key: KEY, state: 'pending', card: null, claimUntil: T0 + 30_000 });
      expect(await cards.claim(KEY, T0 + 1, T0 + 30_001)).toBe(false);
      // A claim whose holder died lapses: the next claimer after claimUntil wins.
      expect(await cards.claim(KEY, T0 + 30_000, T0 + 60_000)).toBe(true);
    });

    test('of many claims at once exactly one wins', async () => {
      const { cards } = current();
      const wins = await Promise.all(Array.from({ length: 8 }, () => cards.claim(KEY, T0, T0 + 30_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    test('put stores the card and releases the claim; a fresh entry cannot be claimed, a stale one can', async () => {
      const { cards } = current();
      expect(await cards.claim(KEY, T0, T0 + 30_000)).toBe(true);
      await cards.put(ok(KEY, T0 + 10, T0 + 1_000));
      expect(await cards.get(KEY)).toEqual({ ...ok(KEY, T0 + 10, T0 + 1_000), claimUntil: 0 });
      expect(await cards.claim(KEY, T0 + 999, T0 + 30_000)).toBe(false); // still fresh
      expect(await cards.claim(KEY, T0 + 1_000, T0 + 31_000)).toBe(true); // stale: refreshed by one caller
      // The refresh's claim keeps the card readers show.
      expect(await cards.get(KEY)).toMatchObject({ state: 'ok', card: { title: 'Notes' }, claimUntil: T0 + 31_000 });
    });

    test('a failure is stored without a card (negative cache)', async () => {
      const { cards } = current();
      await cards.put({ key: KEY, state: 'failed', card: null, fetchedAt: T0, freshUntil: T0 + 3_600_000 });
      expect(await cards.get(KEY)).toEqual({
        key: KEY,
        state: 'failed',
        card: null,
        fetchedAt: T0,
        freshUntil: T0 + 3_600_000,
        claimUntil: 0,
      });
      expect(await cards.claim(KEY, T0 + 1, T0 + 30_000)).toBe(false);
    });

    test('getMany reads many keys at once, leaving out missing ones and reading a repeated key once', async () => {
      const { cards } = current();
      const keys = Array.from({ length: 120 }, (_, i) => `https://site${i}.example/page`);
      for (const key of keys.slice(0, 110)) await cards.put(ok(key, T0, T0 + 1_000));
      const found = await cards.getMany([...keys, keys[0] ?? '']);
      expect(found.size).toBe(110);
      expect(found.get(keys[3] ?? '')?.card?.url).toBe(keys[3]);
      expect(found.has(keys[115] ?? '')).toBe(false);
      expect((await cards.getMany([])).size).toBe(0);
    });
  });
}

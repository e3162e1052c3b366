import { LRUCache } from 'lru-cache';
import { cachePulled } from '../../adapters/pulled-accounts-cache.js';
import type { UserRepo } from '../../ports/store.js';

/**
 * Calls a round makes of each path. V8 gives a function its type-feedback vector only after several calls (8 on
 * Node 20), and records nothing before: the first rounds only get the vectors made, the later ones fill them.
 */
const ROUNDS = 64;

/**
 * Runs, before the first request, the expiry paths of the TTL caches that every feed page goes through: lru-cache's
 * `get` at a stale entry (the session cache: 10 s) and the pulled registry's re-read after its TTL. They run on
 * throwaway instances built as the real ones are (the same functions, so the same feedback), in a loop long enough
 * that V8 records their types.
 *
 * Why: under traffic these paths first run ~10 s after the first page, when every optimized copy of lru-cache's `get`
 * has been compiled without them. There V8 deoptimized `get`, lru-cache's inner get and the registry's `accounts`
 * ("insufficient type feedback": the code never ran there while it was watched) and compiled them again ~150 ms
 * later, at 1,000 pages/s a cluster of pages at 10-20 ms in some runs (docs/benchmarks.md, issue 19, `s21-feed`).
 * Run here, both paths are in the first optimized code, and the first expiry under traffic is an ordinary branch.
 */
export async function exerciseCacheExpiryPaths(): Promise<void> {
  exerciseStaleGets();
  await exercisePulledRegistryReads();
}

/** lru-cache's `get` at a hit, a miss and a stale entry, on a cache with the session cache's options. */
function exerciseStaleGets(): void {
  const cache = new LRUCache<string, { alias: string; expiresAt: number }>({ max: 4 * ROUNDS, ttl: 10_000 });
  const value = { alias: 'warm', expiresAt: 0 };
  for (let i = 0; i < ROUNDS; i += 1) {
    // An entry that started a second ago with a 1 ms TTL: stale at the `get` below (a start of 0 means "no TTL").
    const start = cache.perf.now() - 1_000 || -1;
    cache.set(`fresh ${i}`, value);
    cache.set(`stale ${i}`, value, { ttl: 1, start });
    cache.get(`fresh ${i}`);
    cache.get(`stale ${i}`);
    cache.get(`missing ${i}`);
  }
  cache.clear();
}

/** The pulled registry's cached read: fresh, after its TTL, and two callers sharing one read. */
async function exercisePulledRegistryReads(): Promise<void> {
  let now = 0;
  const users = {
    pulledAccounts: () => Promise.resolve(new Map([['warm', '0']])),
    markPulled: () => Promise.resolve(),
  } as unknown as UserRepo;
  const registry = cachePulled(users, () => now, 1);
  for (let i = 0; i < ROUNDS; i += 1) {
    await registry.pulledAccounts();
    await registry.pulledAccounts();
    now += 2;
    await Promise.all([registry.pulledAccounts(), registry.pulledAccounts()]);
    now += 2;
  }
}

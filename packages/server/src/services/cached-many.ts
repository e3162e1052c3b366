import type { LRUCache } from 'lru-cache';

/** Values for `keys` from the cache, loading the missing ones in one batch (and caching them). */
export async function cachedMany<V extends object>(
  cache: LRUCache<string, V>,
  keys: readonly string[],
  load: (missing: string[]) => Promise<Map<string, V>>,
): Promise<Map<string, V>> {
  const found = new Map<string, V>();
  const missing = new Set<string>();
  for (const key of keys) {
    const hit = cache.get(key);
    if (hit) found.set(key, hit);
    else missing.add(key);
  }
  if (missing.size) {
    for (const [key, value] of await load([...missing])) {
      cache.set(key, value);
      found.set(key, value);
    }
  }
  return found;
}

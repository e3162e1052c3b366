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

/**
 * `cachedMany` by position: `out[i]` is the value of `keys[i]` (undefined: no key there, or none found), with no map
 * of what was found; the missing keys (each once) are loaded in one batch and cached.
 */
export async function cachedAt<V extends object>(
  cache: LRUCache<string, V>,
  keys: readonly (string | undefined)[],
  load: (missing: string[]) => Promise<Map<string, V>>,
): Promise<(V | undefined)[]> {
  const out = new Array<V | undefined>(keys.length);
  let missing: Set<string> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === undefined) continue;
    const hit = cache.get(key);
    if (hit) out[i] = hit;
    else (missing ??= new Set()).add(key);
  }
  if (missing === undefined) return out;
  const loaded = await load([...missing]);
  for (const [key, value] of loaded) cache.set(key, value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key !== undefined && out[i] === undefined) out[i] = loaded.get(key);
  }
  return out;
}

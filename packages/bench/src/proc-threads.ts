import { readdirSync } from 'node:fs';

/**
 * Calls `read` for every thread of `pid` (Linux /proc/<pid>/task) and collects what it returns under the key it
 * gives; empty where /proc cannot be read (not Linux, no pid). A thread that ends meanwhile (`read` throws) is skipped.
 */
export function forEachThread<K, V>(pid: number | null, read: (tid: string) => [K, V]): Map<K, V> {
  const out = new Map<K, V>();
  if (pid === null) return out;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const [key, value] = read(tid);
      out.set(key, value);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

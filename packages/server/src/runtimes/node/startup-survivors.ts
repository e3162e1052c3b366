import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { flagValue } from '../thread/thread-heap.js';

/**
 * Moves what start-up left in the HTTP thread's young generation to the old one, before the first request, and
 * writes the young generation's pages once.
 *
 * Why: building the app (modules, caches sized up front, the routes' compiled schemas) leaves ~6 MB of objects that
 * live as long as the process in the young generation (32 MB semi-spaces, heap-flags.ts). A scavenge copies what
 * survives it, and promotes what survives twice, so those megabytes were copied by the first scavenge under traffic
 * and promoted by the second: 20-33 ms pauses, a few seconds after start, in the middle of the first bursts of
 * requests (docs/benchmarks.md, issue 22). Two scavenges here, before listening, do the same work while nothing waits.
 * Scavenges, not a mark-compact: a full collection would start V8's memory reducer, which runs more of them later.
 */
export function promoteStartUpSurvivors(): void {
  setFlagsFromString('--expose-gc');
  // A context made now gets `gc`; the flag is turned off again at once, so no later context sees it.
  const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
  setFlagsFromString('--no-expose-gc');
  writeYoungGeneration();
  gc({ type: 'minor' });
  gc({ type: 'minor' });
}

/** Garbage allocated a step, in arrays of ~8 KB (young objects: under V8's 128 KB large-object size). */
const STEP_BYTES = 1024 * 1024;
const ARRAY_LENGTH = 1020;
/** At most this many times the young generation's size allocated, whatever V8 reports. */
const MAX_ROUNDS = 4;

/**
 * Allocates short-lived garbage until both semi-spaces have been written once. Why: V8 commits a semi-space's pages
 * without writing them, so the kernel maps each 4 KB page at its first write, a fault on the allocating thread; left
 * to the traffic, the first 64 MB allocated after start paid ~16,000 of them on the HTTP thread (a few seconds of
 * requests: ~40 µs of a like's ~600 µs in a 1,000-like burst, docs/benchmarks.md, issue 22 `s16-unread`). The same
 * faults here cost start-up ~0.2-0.5 s before listening. The size is the flag's (V8 commits the second semi-space
 * only at the first scavenge, so what it reports now can be half of it); without the server's heap flags the young
 * generation is V8's small default, which grows as it goes: nothing is written.
 */
function writeYoungGeneration(execArgv: readonly string[] = process.execArgv): void {
  const semiSpace = flagValue(execArgv, 'max') * 1024 * 1024;
  let sink: unknown[] = [];
  for (let allocated = 0; allocated < MAX_ROUNDS * 2 * semiSpace; allocated += STEP_BYTES) {
    if (newSpace().physical_space_size >= 2 * semiSpace) break;
    for (let bytes = 0; bytes < STEP_BYTES; bytes += ARRAY_LENGTH * 8) sink = new Array<unknown>(ARRAY_LENGTH);
  }
  sink.length = 0;
}

function newSpace(): { physical_space_size: number } {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space') ?? { physical_space_size: 0 };
}

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Moves what start-up left in the HTTP thread's young generation to the old one, before the first request.
 *
 * Why: building the app (modules, caches sized up front, the routes' compiled schemas) leaves ~6 MB of objects that
 * live as long as the process in the young generation (16-32 MB semi-spaces, heap-flags.ts). A scavenge copies what
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
  gc({ type: 'minor' });
  gc({ type: 'minor' });
}

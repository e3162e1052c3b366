import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { Gauge, Histogram, type Registry } from 'prom-client';

/** perf_hooks' GC kinds by the names /metrics gives them (prom-client's own names for the HTTP thread's). */
const KINDS: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/**
 * Times this thread's garbage collections into `registry` by kind, with the heap's spaces. Why: prom-client's GC
 * metrics observe the thread that registers them only, and the job thread's pauses are a post's wait (the writer
 * takes its message only after them), so they are measured here, where they happen. Returns the stop.
 */
export function observeThreadGc(registry: Registry, thread: string): () => void {
  const pauses = new Histogram({
    name: 'tweeter_thread_gc_seconds',
    help: 'Garbage collection pauses of a worker thread, by thread and kind (minor: scavenge; major: mark-compact)',
    labelNames: ['thread', 'kind'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  new Gauge({
    name: 'tweeter_thread_heap_space_bytes',
    help: "A worker thread's V8 heap spaces: used and size, by space (new_space's size is its semi-space)",
    labelNames: ['thread', 'space', 'measure'] as const,
    registers: [registry],
    collect() {
      for (const space of getHeapSpaceStatistics()) {
        this.set({ thread, space: space.space_name, measure: 'used' }, space.space_used_size);
        this.set({ thread, space: space.space_name, measure: 'size' }, space.space_size);
      }
    },
  });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as { detail?: { kind?: number } };
      const kind = KINDS.get(detail?.kind ?? 0) ?? 'other';
      pauses.observe({ thread, kind }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

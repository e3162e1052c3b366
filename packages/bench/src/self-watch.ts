import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics, GCProfiler } from 'node:v8';
import { round2 } from './percentiles.js';

/** What the load generator's own process did while it measured: a stall here is charged to the server's latency. */
export interface SelfWatch {
  /** The bench's event-loop delay (ms): a stalled loop sends late and reads answers late. */
  loopDelayMs: { p99: number; max: number };
  /** The bench's own garbage collections during the load: pauses, the longest (ms) and their total (ms). */
  gc: { pauses: number; maxMs: number; totalMs: number; allocatedMb: number };
  /** The pauses over 2 ms: when (epoch ms), how long (ms) and V8's kind (1 scavenge, 2 mark-compact, 4 incremental). */
  longGc: { at: number; ms: number; kind: number }[];
}

/**
 * Starts watching this process's event loop (1 ms resolution) and GC; stop() returns what it saw. `loopDelay: false`
 * leaves the loop unwatched (its figures 0): the monitor is a 1 ms timer, a wake-up of the thread every millisecond,
 * which a sender of a few hundred requests a second does not otherwise need.
 */
export function watchSelf(options: { loopDelay?: boolean } = {}): { stop(): SelfWatch } {
  const delay = options.loopDelay === false ? null : monitorEventLoopDelay({ resolution: 1 });
  delay?.enable();
  const gc = { pauses: 0, maxMs: 0, totalMs: 0 };
  const heap = allocationWatch();
  const longGc: SelfWatch['longGc'] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.pauses += 1;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
      if (entry.duration > 2)
        longGc.push({ at: performance.timeOrigin + entry.startTime, ms: round2(entry.duration), kind });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      delay?.disable();
      observer.disconnect();
      const ms = (ns: number): number => round2(ns / 1e6);
      return {
        loopDelayMs: delay ? { p99: ms(delay.percentile(99)), max: ms(delay.max) } : { p99: 0, max: 0 },
        gc: { pauses: gc.pauses, maxMs: round2(gc.maxMs), totalMs: round2(gc.totalMs), allocatedMb: heap.stop() },
        longGc,
      };
    },
  };
}

/**
 * What this thread allocated on its heap while watched (MB): the heap's growth between collections, summed (V8's
 * GCProfiler gives the used size before and after each). A load-independent figure of the generator's garbage.
 */
function allocationWatch(): { stop(): number } {
  const start = getHeapStatistics().used_heap_size;
  const profiler = new GCProfiler();
  profiler.start();
  return {
    stop() {
      const end = getHeapStatistics().used_heap_size;
      let bytes = 0;
      let after = start;
      for (const entry of profiler.stop()?.statistics ?? []) {
        bytes += Math.max(0, entry.beforeGC.heapStatistics.usedHeapSize - after);
        after = entry.afterGC.heapStatistics.usedHeapSize;
      }
      bytes += Math.max(0, end - after);
      return round2(bytes / 1e6);
    },
  };
}

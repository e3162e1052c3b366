import type { LoadResult } from './load.js';
import { latencyFigure } from './result.js';
import { summarize } from './percentiles.js';
import type { SelfWatch } from './self-watch.js';

/**
 * The load generator's own delays beside a scenario's latencies (feed, post): latency from when each request left
 * the sender (open loop: the due-time latency less the sender's lateness), how late requests left, the sender
 * thread's event-loop delay and GC, and the bench's main thread's. A tail the server did not cause shows here.
 */
export function senderFigures(
  name: string,
  load: LoadResult,
  fromSend: readonly number[] | null,
  main: SelfWatch,
): Record<string, Record<string, number> | number> {
  return {
    ...pacedSenderFigures(load),
    ...(fromSend ? { [`${name}_from_send_ms`]: latencyFigure(summarize(fromSend)) } : {}),
    bench_main_loop_delay_ms: main.loopDelayMs,
    bench_main_gc: main.gc,
  };
}

/** The paced sender thread's own figures (when it sent the load): how late requests left, its loop's delay, its GC. */
export function pacedSenderFigures(load: LoadResult): Record<string, Record<string, number> | number> {
  return {
    ...(load.sendLate ? { bench_send_late_ms: latencyFigure(load.sendLate.summary()) } : {}),
    ...(load.generator
      ? {
          bench_sender_loop_delay_ms: load.generator.loopDelayMs,
          bench_sender_gc: load.generator.gc,
          // What the sender's heap took a request (its garbage: a scavenge every ~16 MB of it).
          bench_sender_alloc_bytes_per_req: Math.round(
            (load.generator.gc.allocatedMb * 1e6) / Math.max(1, load.responses),
          ),
        }
      : {}),
  };
}

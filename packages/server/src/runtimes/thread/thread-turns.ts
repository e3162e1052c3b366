import { performance } from 'node:perf_hooks';
import { Histogram, type Registry } from 'prom-client';

/** The tick: as often as the HTTP thread's event-loop lag is sampled (prom-client's 10 ms). */
const TICK_MS = 10;
/** Lateness under this is the timer's own jitter, not a turn anything waited behind: not observed. */
const LATE_MS = 1;

/**
 * Times this thread's long turns into `registry`: a 10 ms tick that runs late ran behind a turn (a wave of jobs, a
 * fan-out page, a group commit, a GC pause, the WAL restart step) that also held every message that arrived during it,
 * a post's write among them. Why here: the GC pauses and the WAL step are timed where they happen, but not the job
 * waves between them; the lateness of a tick counts all (a turn of D ms shows as D less up to one tick). Ticks late by
 * 1 ms or more only, so the count is of long turns and the sum their total (stall time). Returns the stop.
 */
export function observeThreadTurns(registry: Registry, thread: string): () => void {
  const late = new Histogram({
    name: 'tweeter_thread_tick_lateness_seconds',
    help: "How late a worker thread's 10 ms tick ran, when 1 ms or more: the long turns its messages waited behind",
    labelNames: ['thread'] as const,
    buckets: [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const series = late.labels({ thread });
  let due = performance.now() + TICK_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    const lateness = now - due;
    if (lateness >= LATE_MS) series.observe(lateness / 1000);
    due = now + TICK_MS;
  }, TICK_MS);
  // The tick never keeps the thread alive.
  timer.unref();
  return () => clearInterval(timer);
}

import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { observeThreadTurns } from '../src/runtimes/thread/thread-turns.js';

const lateness = async (registry: Registry): Promise<{ count: number; sum: number }> => {
  const text = await registry.metrics();
  const count = /^tweeter_thread_tick_lateness_seconds_count\{thread="job"\} (\d+)$/m.exec(text)?.[1];
  const sum = /^tweeter_thread_tick_lateness_seconds_sum\{thread="job"\} ([0-9.e+-]+)$/m.exec(text)?.[1];
  return { count: Number(count ?? 0), sum: Number(sum ?? 0) };
};

describe('observeThreadTurns', () => {
  it("counts a turn that held this thread past its tick, and its length (the sum), not an idle thread's ticks", async () => {
    const registry = new Registry();
    const stop = observeThreadTurns(registry, 'job');
    try {
      // One turn that holds the thread for 80 ms (a tick is due within about 10 ms of its start).
      const until = performance.now() + 80;
      while (performance.now() < until) {
        // busy: what a long wave of jobs does to the ticks
      }
      // Let the late tick run and record.
      await new Promise((resolve) => setTimeout(resolve, 30));
      const { count, sum } = await lateness(registry);
      expect(count).toBeGreaterThanOrEqual(1);
      // Late by the turn less about one tick (~70-80 ms; the timer's own clock may run a little behind the tick's due
      // time): at least 50 ms is a long turn's, whatever else the machine ran.
      expect(sum).toBeGreaterThanOrEqual(0.05);
    } finally {
      stop();
    }
  });
});

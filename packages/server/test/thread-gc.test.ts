import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { observeThreadGc } from '../src/runtimes/thread/thread-gc.js';

describe('observeThreadGc', () => {
  it("times this thread's collections by kind, and reports its heap spaces", async () => {
    const registry = new Registry();
    const stop = observeThreadGc(registry, 'job');
    try {
      // Short-lived garbage: enough to fill any young generation several times, so scavenges run.
      let keep: unknown[] = [];
      for (let i = 0; i < 2_000_000; i++) {
        keep.push({ i, text: `status ${i}` });
        if (keep.length > 1000) keep = [];
      }
      // GC entries reach the observer asynchronously.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const text = await registry.metrics();
      const minor = /^tweeter_thread_gc_seconds_count\{thread="job",kind="minor"\} (\d+)$/m.exec(text);
      expect(Number(minor?.[1] ?? 0)).toBeGreaterThan(0);
      expect(text).toMatch(/^tweeter_thread_heap_space_bytes\{thread="job",space="new_space",measure="size"\} \d+/m);
    } finally {
      stop();
    }
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../src/result.js';
import { runBench } from './support.js';

// The notifications scenario end to end at a tiny size against a real child server (as smoke.test.ts does for the
// others): the burst goes through the lean transport, every like is counted once, and the figures are reported,
// the load generator's own CPU among them. No timing is asserted.

const out = mkdtempSync(join(tmpdir(), 'tweeter-bench-smoke-notifications-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('tweeter bench notifications', () => {
  it('likes one status from every liker: the group counts each once; the figures are there', async () => {
    const file = join(out, 'notifications.json');
    const res = await runBench(['notifications', '--likers', '30', '--rate', '60', '--samples', '5', '--json', file]);
    expect(res.stderr.match(/error.*/gi)?.filter((l) => !/^errors? /.test(l)) ?? []).toEqual([]);
    expect(res.status).toBe(0);
    const result = JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult;
    expect(result.scenario).toBe('notifications');
    const { results } = result;
    expect(results).toMatchObject({ group_actor_count: 30, group_count_exact: 1, errors: 0 });
    for (const key of ['like_to_frame_p50_ms', 'unread_count_p99_ms', 'page_p99_ms', 'burst_likes_per_s']) {
      expect(results[key]).toEqual(expect.any(Number));
    }
    expect(results.bench_cpu_ms_per_like).toBeGreaterThanOrEqual(0);
    // The reads from when they left the reads' thread: never longer than from their due time.
    expect(results.unread_count_from_send_max_ms).toBeLessThanOrEqual(results.unread_count_max_ms as number);
    expect(results.unread_count_from_send_p99_ms).toBeLessThanOrEqual(results.unread_count_p99_ms as number);
    expect(results.cpu_ms_per_like).toBeGreaterThanOrEqual(0);
    // The HTTP thread's health over the burst, scraped from /metrics before and after it.
    for (const key of ['burst_event_loop_lag_max_ms', 'burst_gc_ms_per_s', 'burst_gc_pauses_over_10ms']) {
      expect(results[key]).toBeGreaterThanOrEqual(0);
    }
    expect(results.burst_event_loop_lag_max_ms).toBeGreaterThan(0);
    expect(results.cpu_ms_per_like_main_thread_second_half).toBeGreaterThanOrEqual(0);
  });
});

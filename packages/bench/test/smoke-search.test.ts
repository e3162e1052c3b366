import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../src/result.js';
import { runBench } from './support.js';

// The search scenarios end to end at a tiny size against a real child server: an open-loop phase at a stated rate
// and a closed-loop capacity phase; distinct queries, the share of first pages served from a shared read and the
// server CPU per search come back from its /metrics. No timing is asserted. The populated file is cached under this test's own temporary folder (TMPDIR), removed afterwards.

const out = mkdtempSync(join(tmpdir(), 'tweeter-bench-smoke-search-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('tweeter bench search-statuses', () => {
  it('asks distinct two-word queries open loop then closed loop, with the shared first pages and CPU per search', async () => {
    const file = join(out, 'search-statuses.json');
    const args = ['--users', '60', '--statuses-each', '3', '--readers', '2', '--post-duration', '0'];
    const phases = ['--rate', '50', '--duration', '2', '--closed-duration', '1'];
    const res = await runBench(['search-statuses', ...args, ...phases, '--queries', '4000', '--json', file], {
      TMPDIR: out,
    });
    expect(res.status, res.stderr).toBe(0);
    const { results, params } = JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult;
    expect(params).toMatchObject({ queries: 4000, rate: 50, closedDurationS: 1 });
    expect(results.errors).toBe(0);
    expect(results.distinct_queries).toBe(4000);
    // The open loop offered 50/s for 2 s: about 100 searches, all distinct, so none was served from the share.
    expect(results.search_rate).toBe(50);
    expect(results.search_answered_rps).toBeGreaterThan(20);
    expect(results.search_latency_ms).toMatchObject({ count: expect.any(Number) as number });
    expect((results.search_latency_ms as { count: number }).count).toBeGreaterThan(60);
    expect(results.shared_first_page_pct).toBe(0);
    expect(results.server_cpu_us_per_search).toBeGreaterThan(0);
    // Every query differs and two connections cannot get through 4,000 in a second (a tiny store answers ~1,000-2,000 a
    // second here), so none comes back within the share's second: the share serves (almost) nothing.
    expect(results.capacity_search_rps).toBeGreaterThan(0);
    expect(results.capacity_shared_first_page_pct).toBeGreaterThanOrEqual(0);
    expect(results.capacity_shared_first_page_pct).toBeLessThan(50);
    expect(results.capacity_server_cpu_us_per_search).toBeGreaterThan(0);
    expect(results.index_statuses).toBe(180);
  });
});

describe('tweeter bench search-people', () => {
  it('asks name and alias prefixes open loop at the stated rate, then closed loop for capacity', async () => {
    const file = join(out, 'search-people.json');
    const args = ['--users', '60', '--statuses-each', '3', '--queries', '200', '--connections', '2'];
    const phases = ['--rate', '100', '--warmup', '1', '--duration', '2', '--closed-duration', '1'];
    // --server-out: the child server's own output (its log here; --trace-gc lines with --node-args) in a file.
    const serverOut = join(out, 'server-out.log');
    // --trace: each open-loop search's due time, latency and lateness, with the prefixes asked.
    const trace = join(out, 'people-trace.json');
    const res = await runBench(
      ['search-people', ...args, ...phases, '--json', file, '--server-out', serverOut, '--trace', trace],
      { TMPDIR: out },
    );
    expect(res.status, res.stderr).toBe(0);
    expect(readFileSync(serverOut, 'utf8')).toContain('tweeter is listening');
    const { results, params } = JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult;
    expect(params).toMatchObject({ queries: 200, rate: 100, connections: 2, warmupS: 1 });
    expect(results.errors).toBe(0);
    expect(results.search_people_rate).toBe(100);
    expect((results.search_people_latency_ms as { count: number }).count).toBeGreaterThan(120);
    expect(results.results_per_query).toBeGreaterThan(0);
    expect(results.server_cpu_us_per_search).toBeGreaterThan(0);
    expect(results.capacity_search_people_rps).toBeGreaterThan(0);
    expect(results.capacity_server_cpu_us_per_search).toBeGreaterThan(0);
    // From the sender too, and the server's threads: CPU and wake-ups a search (the HTTP thread wakes at least once).
    const fromSend = results.search_people_from_send_ms as { count: number };
    expect(fromSend.count).toBe((results.search_people_latency_ms as { count: number }).count);
    expect((results.server_thread_cpu_us_per_search as Record<string, number>).main).toBeGreaterThan(0);
    expect((results.server_thread_runs_per_search as Record<string, number>).main).toBeGreaterThanOrEqual(1);
    const traced = JSON.parse(readFileSync(trace, 'utf8')) as { measured: string[]; trace: number[] };
    expect(traced.measured).toHaveLength(200);
    expect(traced.trace).toHaveLength(3 * fromSend.count);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../src/result.js';
import { runBench } from './support.js';

// The status-search scenario end to end at a tiny size against a real child server: distinct queries, the share of
// first pages served from a shared read and the server CPU per search come back from its /metrics. No timing is
// asserted. The populated file is cached under this test's own temporary folder (TMPDIR), removed afterwards.

const out = mkdtempSync(join(tmpdir(), 'tweeter-bench-smoke-search-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('tweeter bench search-statuses', () => {
  it('asks distinct two-word queries and reports the shared first pages and the CPU per search', async () => {
    const file = join(out, 'search-statuses.json');
    const args = ['--users', '60', '--statuses-each', '3', '--readers', '2', '--duration', '1', '--post-duration', '0'];
    const res = await runBench(['search-statuses', ...args, '--queries', '4000', '--json', file], { TMPDIR: out });
    expect(res.status, res.stderr).toBe(0);
    const { results, params } = JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult;
    expect(params).toMatchObject({ queries: 4000 });
    expect(results.errors).toBe(0);
    expect(results.search_rps).toBeGreaterThan(0);
    expect(results.distinct_queries).toBe(4000);
    // Every query differs and two connections cannot get through 4,000 in a second (a tiny store answers ~1,000-2,000 a
    // second here), so none comes back within the share's second: the share serves (almost) nothing.
    expect(results.shared_first_page_pct).toBeGreaterThanOrEqual(0);
    expect(results.shared_first_page_pct).toBeLessThan(50);
    expect(results.server_cpu_us_per_search).toBeGreaterThan(0);
    expect(results.index_statuses).toBe(180);
  });
});

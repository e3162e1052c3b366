import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../src/result.js';
import { runBench } from './support.js';

// The delete-account scenario end to end at a tiny size against a real child server (as smoke.test.ts does for the
// others): its JSON has the documented fields, every feed entry of the account went, nothing failed. No timing is
// asserted.

const out = mkdtempSync(join(tmpdir(), 'tweeter-bench-smoke-delete-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('tweeter bench delete-account', () => {
  it('deletes the account and reports when its feed entries were gone, with feed reads meanwhile', async () => {
    const file = join(out, 'delete-account.json');
    const res = await runBench([
      'delete-account',
      ...['--followers', '40', '--statuses', '30', '--feed-entries', '10', '--readers', '2', '--read-rate', '20'],
      ...['--json', file],
    ]);
    expect(res.stderr.match(/error.*/gi)?.filter((l) => !/^errors? /.test(l)) ?? []).toEqual([]);
    expect(res.status).toBe(0);
    const result = JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult;
    expect(result.scenario).toBe('delete-account');
    expect(result.params).toMatchObject({ followers: 40, statuses: 30, feedEntries: 10 });
    const { results } = result;
    expect(results).toMatchObject({ feed_entries_removed: 400, feed_entries_expected: 400, errors: 0 });
    expect(results.feeds_clear_ms).toEqual(expect.any(Number));
    expect(results.deletion_done_ms).toBeGreaterThanOrEqual(results.feeds_clear_ms as number);
    expect(results.feed_ms).toEqual({ p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) });
  });
});

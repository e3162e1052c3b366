import { describe, expect, it } from 'vitest';
import { fanoutChart, latencyChart } from '../src/report/charts.js';
import { CHANGES_END, CHANGES_START, keptChanges, renderMarkdown } from '../src/report/markdown.js';
import { evaluateChecks, verdict, type ReportEntry } from '../src/report/requirements.js';
import { machine, type Results } from '../src/result.js';
import { summarize } from '../src/percentiles.js';

function entry(key: string, scenario: string, params: Record<string, number>, results: Results): ReportEntry {
  return {
    key,
    label: key,
    command: `npm run bench -- ${scenario}`,
    seconds: 10,
    result: { scenario, params, machine: machine(), results },
  };
}

const entries: ReportEntry[] = [
  entry(
    'fanout-10k',
    'fanout',
    { followers: 10_000 },
    {
      post_ms: { p50: 1, p95: 2, p99: 3, max: 3 },
      fanout_ms: { p50: 90, p99: 120, max: 120 },
      errors: 0,
    },
  ),
  entry(
    'fanout-100k',
    'fanout',
    { followers: 100_000 },
    {
      post_ms: { p50: 1, p95: 2, p99: 7, max: 7 },
      fanout_ms: { p50: 500, p99: 600, max: 600 },
      feed_ms: { p50: 2, p95: 3, p99: 4 },
      rss_mb_peak: 180,
      errors: 0,
    },
  ),
  entry('feed-64', 'feed', { readers: 64 }, { feed_ms: { p50: 10, p95: 20, p99: 30 }, feed_rps: 3000, errors: 2 }),
];

describe('the benchmark report', () => {
  it('compares each figure with the course limit and the budget', () => {
    const checks = evaluateChecks(entries);
    const byWhat = (what: string) => checks.find((c) => c.what.startsWith(what));
    const tenK = byWhat("status in all 10,000 followers' feeds");
    expect(tenK?.measured?.value).toBe(120);
    expect([verdict(tenK!, tenK?.course), verdict(tenK!, tenK?.budget)]).toEqual(['pass', 'pass']);
    const post = byWhat('post a status, p99, author with 100,000');
    expect([verdict(post!, post?.course), verdict(post!, post?.budget)]).toEqual(['pass', 'miss']);
    expect(byWhat('post a status, p99, 50 writers at 200')?.measured).toBeUndefined();
    const errors = byWhat('errors');
    expect(errors?.measured?.value).toBe(2);
    expect(verdict(errors!, errors?.budget)).toBe('miss');
  });

  it('renders every figure of every run, and carries the hand-written section over', () => {
    const previous = `# old\n${CHANGES_START}\nWe did things.\n${CHANGES_END}\n`;
    const md = renderMarkdown({
      generatedAt: '2025-01-01T00:00:00Z',
      totalSeconds: 300,
      machine: machine(),
      quick: false,
      entries,
      changes: keptChanges(previous),
    });
    expect(md).toContain('| fanout_ms | p50 500  p99 600  max 600 |');
    expect(md).toContain('| feed_rps | 3000 |');
    expect(md).toContain('npm run bench -- feed');
    expect(md).toContain(`${CHANGES_START}\nWe did things.\n${CHANGES_END}`);
    expect(keptChanges(md).trim()).toBe('We did things.');
    expect(md).toContain(
      "| status in all 10,000 followers' feeds (slowest post) | ≤ 120 s | ≤ 250 ms | 120 ms (fanout-10k: fanout_ms max) | pass | pass |",
    );
  });

  it('draws charts as standalone SVG from the figures', () => {
    const latency = latencyChart([{ label: 'feed', p50: 1, p95: 2, p99: 40 }], [{ label: 'budget', ms: 5 }]);
    const fanout = fanoutChart(
      [
        { followers: 10_000, p50: 90, max: 120 },
        { followers: 100_000, p50: 500, max: 600 },
      ],
      [{ label: 'budget 250 ms', x: 10_000, ms: 250 }],
    );
    for (const svg of [latency, fanout]) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trim().endsWith('</svg>')).toBe(true);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    }
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(values)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100, count: 100 });
    expect(summarize([])).toEqual({ p50: 0, p95: 0, p99: 0, max: 0, count: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { renderChecks } from '../src/report/markdown.js';
import { evaluateChecks, verdict, type ReportEntry } from '../src/report/requirements.js';
import { scenarioRun, standardRuns } from '../src/report/run-report.js';
import { machine, type Results } from '../src/result.js';
import { pendingJobs } from '../src/queue-drain.js';
import { sustainedFigures } from '../src/scenarios/sustained.js';

function entry(key: string, results: Results, env: Record<string, string> = {}): ReportEntry {
  return {
    key,
    label: key,
    command: key,
    env,
    seconds: 1,
    result: { scenario: key, params: {}, machine: machine(), results },
  };
}

describe('sustained posting figures', () => {
  it('spreads the rows over posting and drain: fan-out that keeps pace reads as intake times followers', () => {
    expect(sustainedFigures({ accepted: 28_000, postingS: 10, drainS: 0.5, rowsWritten: 560_000 })).toEqual({
      posts_per_s: 2800,
      fanout_rows: 560_000,
      fanout_rows_per_s: 53_333,
      fanout_rows_per_post: 20,
      fanout_posts_per_s: 2666.67,
      drain_s: 0.5,
    });
  });

  it('a backlog that takes 62 s to drain shows what the workers really manage', () => {
    const f = sustainedFigures({ accepted: 28_000, postingS: 10, drainS: 62, rowsWritten: 560_000 });
    expect(f.posts_per_s).toBe(2800);
    expect(f.fanout_rows_per_s).toBe(7778);
    expect(f.fanout_posts_per_s).toBe(388.89);
  });

  it('nothing posted: zeros, never NaN or Infinity', () => {
    const f = sustainedFigures({ accepted: 0, postingS: 0, drainS: 0, rowsWritten: 0 });
    expect(Object.values(f).every((v) => v === 0)).toBe(true);
  });
});

describe('the backlog read from /metrics', () => {
  const exposition = (ready: number, inFlight: number, delayed: number) =>
    [
      '# TYPE tweeter_queue_jobs gauge',
      `tweeter_queue_jobs{state="ready"} ${ready}`,
      `tweeter_queue_jobs{state="inFlight"} ${inFlight}`,
      `tweeter_queue_jobs{state="delayed"} ${delayed}`,
      'tweeter_queue_jobs{state="dead"} 3',
    ].join('\n');

  it('counts ready, running and retrying jobs, not dead ones', () => {
    expect(pendingJobs(exposition(0, 0, 0))).toBe(0);
    expect(pendingJobs(exposition(2, 1, 0))).toBe(3);
    expect(pendingJobs(exposition(0, 0, 4))).toBe(4);
  });

  it('a server without queue gauges is not "drained"', () => {
    expect(pendingJobs('process_resident_memory_bytes 1000')).toBeUndefined();
  });
});

describe('report rows of issue 11', () => {
  const entries = [
    entry('sustained-50', { posts_per_s: 2_412.5, fanout_rows_per_s: 53_333, drain_s: 7.2, errors: 0 }),
    entry('fanout-10k', {
      fanout_ms: { p50: 84, p99: 90, max: 95 },
      feed_ms: { p50: 2, p95: 8, p99: 12.5 },
      errors: 0,
    }),
    entry(
      'fanout-1m-pull',
      { feed_rows_per_post: 1_000_000, visible_ms: { p50: 40, max: 80, count: 2 }, errors: 0 },
      { FANOUT_PULL_THRESHOLD: '50000' },
    ),
  ];
  const checks = evaluateChecks(entries);
  const row = (start: string) => {
    const found = checks.find((c) => c.what.startsWith(start));
    if (!found) throw new Error(`no row ${start}`);
    return found;
  };

  it('fan-out rows/s is a floor, drain time a ceiling', () => {
    const rows = row('sustained posting, feed rows/s');
    expect(rows.measured?.value).toBe(53_333);
    expect([rows.budget, verdict(rows, rows.budget)]).toEqual([50_000, 'pass']);
    expect(verdict(rows, 60_000)).toBe('miss');
    const drain = row('sustained posting, fan-out backlog drained');
    expect([drain.budget, drain.measured?.value, verdict(drain, drain.budget)]).toEqual([2, 7.2, 'miss']);
  });

  it('posts accepted a second is a floor of 2,500', () => {
    const posts = row('sustained posting, posts accepted/s');
    expect([posts.budget, posts.measured?.value, verdict(posts, posts.budget)]).toEqual([2_500, 2_412.5, 'miss']);
    expect(verdict(posts, 2_400)).toBe('pass');
  });

  it('feed p99 during a 10,000-follower fan-out against 10 ms; delivery p50 against 100 ms', () => {
    const feed = row('feed page of 20, p99, during fan-outs to 10,000');
    expect([feed.budget, feed.measured?.value, verdict(feed, feed.budget)]).toEqual([10, 12.5, 'miss']);
    const p50 = row("status in all 10,000 followers' feeds (p50");
    expect([p50.measured?.value, verdict(p50, p50.budget)]).toEqual([84, 'pass']);
  });

  it('a pulled 1,000,000-follower post must write no feed row and show within 100 ms', () => {
    const written = row('a post by a 1,000,000-follower account');
    expect([written.measured?.value, verdict(written, written.budget)]).toEqual([1_000_000, 'miss']);
    const visible = row("that post in a follower's next feed page");
    expect([visible.measured?.value, verdict(visible, visible.budget)]).toEqual([80, 'pass']);
  });

  it('renders floors with ≥ and ceilings with ≤, in the figure unit', () => {
    const table = renderChecks(checks);
    expect(table).toContain(
      '| sustained posting, feed rows/s fanned out (50 writers non-stop for 10 s, posting and drain) | — | ≥ 50,000 rows/s | 53,333 rows/s (sustained-50: fanout_rows_per_s) | — | pass |',
    );
    expect(table).toContain('| ≤ 2 s | 7.2 s (sustained-50: drain_s) | — | miss |');
    expect(table).toContain('| ≤ 0 rows | 1,000,000 rows (fanout-1m-pull: feed_rows_per_post) | — | miss |');
    expect(table).toMatch(/fan-outs to 100,000 .* \| not run \|/);
  });
});

describe('the standard runs', () => {
  it('a run with server settings shows them before its command and passes them to the server', () => {
    const run = scenarioRun('x', 'x', 'sustained', { writers: '3' }, { FANOUT_PULL_THRESHOLD: '0' });
    expect(run.command).toBe('FANOUT_PULL_THRESHOLD=0 npm run bench -- sustained --writers 3');
    expect(run.env).toEqual({ FANOUT_PULL_THRESHOLD: '0' });
  });

  it('measure the push path with pulling off, and a pulled 1,000,000-follower post with the threshold on', () => {
    const runs = new Map(standardRuns(false, true).map((r) => [r.key, r]));
    expect(runs.get('fanout-100k')?.env).toEqual({ FANOUT_PULL_THRESHOLD: '0' });
    expect(runs.get('fanout-1m')?.env).toEqual({ FANOUT_PULL_THRESHOLD: '0' });
    expect(runs.get('fanout-1m-pull')?.command).toBe(
      'FANOUT_PULL_THRESHOLD=50000 npm run bench -- fanout --followers 1000000 --posts 2 --readers 16 --watch-visible 1',
    );
    expect(runs.get('sustained-50')?.command).toBe(
      'npm run bench -- sustained --users 10000 --writers 50 --duration 10',
    );
    expect(standardRuns(false, false).some((r) => r.key.startsWith('fanout-1m'))).toBe(false);
  });
});

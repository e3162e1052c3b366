import type { ScenarioResult } from '../result.js';

/** One scenario run of the report: what ran (exactly as a command), how long, and its result. */
export interface ReportEntry {
  /** Stable name checks refer to, e.g. "fanout-10k". */
  key: string;
  label: string;
  command: string;
  /** Server settings of this run (e.g. FANOUT_PULL_THRESHOLD), also shown in `command`. */
  env?: Readonly<Record<string, string>>;
  seconds: number;
  result: ScenarioResult;
}

/** A line of the comparison table: a measured figure against the course project's limit and our budget. */
export interface Check {
  what: string;
  /** Limits in the figure's unit; undefined when that side sets none. At most the limit, unless `atLeast`. */
  course?: number;
  budget?: number;
  /** A floor (throughput) rather than a ceiling. */
  atLeast?: boolean;
  unit: 'ms' | 's' | 'MB' | 'KB' | 'rows' | 'rows/s' | 'posts/s' | '';
  /** The figure and where it comes from; undefined when that scenario did not run. */
  measured?: { value: number; source: string };
}

type Picker = (entries: ReadonlyMap<string, ReportEntry>) => Check['measured'];

function figure(key: string, path: [string, string?], source: string): Picker {
  return (entries) => {
    const entry = entries.get(key);
    const top = entry?.result.results[path[0]];
    const value = path[1] === undefined ? top : typeof top === 'object' ? top[path[1]] : undefined;
    return typeof value === 'number' ? { value, source: `${entry?.label}: ${source}` } : undefined;
  };
}

const CHECKS: readonly (Omit<Check, 'measured'> & { pick: Picker })[] = [
  {
    what: 'post a status, p99, 50 writers at 200 posts/s (open loop)',
    course: 1000,
    budget: 5,
    unit: 'ms',
    pick: figure('post-50-paced', ['post_ms', 'p99'], 'post_ms p99'),
  },
  {
    what: 'post a status, p99, 50 writers posting non-stop (closed loop)',
    course: 1000,
    budget: 5,
    unit: 'ms',
    pick: figure('post-50', ['post_ms', 'p99'], 'post_ms p99'),
  },
  {
    what: 'post a status, p99, author with 100,000 followers',
    course: 1000,
    budget: 5,
    unit: 'ms',
    pick: figure('fanout-100k', ['post_ms', 'p99'], 'post_ms p99'),
  },
  {
    what: "status in all 10,000 followers' feeds (slowest post)",
    course: 120_000,
    budget: 250,
    unit: 'ms',
    pick: figure('fanout-10k', ['fanout_ms', 'max'], 'fanout_ms max'),
  },
  {
    what: "status in all 10,000 followers' feeds (p50 of posts)",
    budget: 100,
    unit: 'ms',
    pick: figure('fanout-10k', ['fanout_ms', 'p50'], 'fanout_ms p50'),
  },
  {
    what: "status in all 100,000 followers' feeds (slowest post)",
    unit: 'ms',
    pick: figure('fanout-100k', ['fanout_ms', 'max'], 'fanout_ms max'),
  },
  {
    what: "status in all 1,000,000 followers' feeds (slowest post)",
    budget: 10_000,
    unit: 'ms',
    pick: figure('fanout-1m', ['fanout_ms', 'max'], 'fanout_ms max'),
  },
  {
    what: 'feed page of 20, p99, 64 readers at 1,000 requests/s (open loop)',
    course: 1000,
    budget: 5,
    unit: 'ms',
    pick: figure('feed-64-paced', ['feed_ms', 'p99'], 'feed_ms p99'),
  },
  {
    what: 'feed page of 20, p99, 64 readers reading non-stop (closed loop)',
    course: 1000,
    budget: 5,
    unit: 'ms',
    pick: figure('feed-64', ['feed_ms', 'p99'], 'feed_ms p99'),
  },
  {
    what: 'feed page of 20, p99, during fan-outs to 10,000 (16 readers, 400 requests/s)',
    course: 1000,
    budget: 10,
    unit: 'ms',
    pick: figure('fanout-10k', ['feed_ms', 'p99'], 'feed_ms p99 (reads during fan-out)'),
  },
  {
    what: 'feed page of 20, p99, during fan-outs to 100,000 (16 readers, 400 requests/s)',
    course: 1000,
    budget: 10,
    unit: 'ms',
    pick: figure('fanout-100k', ['feed_ms', 'p99'], 'feed_ms p99 (reads during fan-out)'),
  },
  {
    what: 'feed page of 20, p99, during fan-outs to 1,000,000 (16 readers, 400 requests/s)',
    course: 1000,
    budget: 10,
    unit: 'ms',
    pick: figure('fanout-1m', ['feed_ms', 'p99'], 'feed_ms p99 (reads during fan-out)'),
  },
  {
    what: 'a post by a 1,000,000-follower account above FANOUT_PULL_THRESHOLD: feed rows it writes',
    budget: 0,
    unit: 'rows',
    pick: figure('fanout-1m-pull', ['feed_rows_per_post'], 'feed_rows_per_post'),
  },
  {
    what: "that post in a follower's next feed page (slowest post)",
    budget: 100,
    unit: 'ms',
    pick: figure('fanout-1m-pull', ['visible_ms', 'max'], 'visible_ms max'),
  },
  {
    what: 'sustained posting, posts accepted/s (50 writers non-stop for 10 s, 20 followers each)',
    budget: 2_500,
    atLeast: true,
    unit: 'posts/s',
    pick: figure('sustained-50', ['posts_per_s'], 'posts_per_s'),
  },
  {
    what: 'sustained posting, feed rows/s fanned out (50 writers non-stop for 10 s, posting and drain)',
    budget: 50_000,
    atLeast: true,
    unit: 'rows/s',
    pick: figure('sustained-50', ['fanout_rows_per_s'], 'fanout_rows_per_s'),
  },
  {
    what: 'sustained posting, fan-out backlog drained after the last post',
    budget: 2,
    unit: 's',
    pick: figure('sustained-50', ['drain_s'], 'drain_s'),
  },
  {
    what: 'peak server RSS, fan-out to 100,000',
    budget: 300,
    unit: 'MB',
    pick: figure('fanout-100k', ['rss_mb_peak'], 'rss_mb_peak'),
  },
  {
    what: 'errors (non-2xx, timeouts, socket errors, missing feed entries), all runs',
    budget: 0,
    unit: '',
    pick: (entries) => {
      if (entries.size === 0) return undefined;
      const total = [...entries.values()].reduce((sum, e) => sum + e.result.results.errors, 0);
      return { value: total, source: 'sum of errors' };
    },
  },
  {
    what: 'board message reaches 10,000 live WebSocket subscribers, p99',
    budget: 200,
    unit: 'ms',
    pick: figure('ws-10k', ['delivery_ms', 'p99'], 'delivery_ms p99'),
  },
  {
    what: 'board message reaches 1,000 live WebSocket subscribers, p99',
    unit: 'ms',
    pick: figure('ws-1k', ['delivery_ms', 'p99'], 'delivery_ms p99'),
  },
  {
    what: 'server memory per idle WebSocket connection (at 10,000)',
    budget: 16,
    unit: 'KB',
    pick: figure('ws-10k', ['idle_conn_kb'], 'idle_conn_kb'),
  },
];

/** The comparison lines with their measured figures (a line whose scenario did not run has none). */
export function evaluateChecks(entries: readonly ReportEntry[]): Check[] {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  return CHECKS.map(({ pick, ...check }) => ({ ...check, measured: pick(byKey) }));
}

/** pass / miss against a limit (at most it, or at least it for a floor), or "" when there is no limit or figure. */
export function verdict(check: Check, limit: number | undefined): string {
  if (limit === undefined || check.measured === undefined) return '';
  const ok = check.atLeast === true ? check.measured.value >= limit : check.measured.value <= limit;
  return ok ? 'pass' : 'miss';
}

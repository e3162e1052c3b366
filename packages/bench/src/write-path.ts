import { round2 } from './percentiles.js';

/** One Prometheus histogram's cumulative buckets (upper bound in seconds → count), its sum and its count. */
export interface HistogramSnapshot {
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

/**
 * The histogram `name` in exposition text, its series whose labels include `labels` (e.g. `priority="interactive"`)
 * summed; empty when absent (an AWS-shaped server, or a server without the metric).
 */
export function histogramOf(text: string, name: string, labels = ''): HistogramSnapshot {
  const snapshot: HistogramSnapshot = { buckets: new Map(), sum: 0, count: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (labels !== '' && !line.includes(labels))) continue;
    const m = /^(\w+)(?:\{([^}]*)\})? ([0-9.eE+-]+|\+Inf)$/.exec(line);
    if (!m?.[1]) continue;
    const value = Number(m[3]);
    if (m[1] === `${name}_sum`) snapshot.sum += value;
    else if (m[1] === `${name}_count`) snapshot.count += value;
    else if (m[1] === `${name}_bucket`) {
      const le = /le="([^"]+)"/.exec(m[2] ?? '')?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Infinity : Number(le);
      snapshot.buckets.set(bound, (snapshot.buckets.get(bound) ?? 0) + value);
    }
  }
  return snapshot;
}

/**
 * What `after` observed since `before`, in ms: the count, the mean and the bucket bound under which 50% and 99% of
 * the observations fell (a bound, not an interpolation: read "p99 ≤ 2.5" as such).
 */
export function histogramDelta(before: HistogramSnapshot, after: HistogramSnapshot): Record<string, number> {
  const count = after.count - before.count;
  if (count <= 0) return { count: 0 };
  const bound = (q: number): number => {
    for (const [le, n] of [...after.buckets].sort((a, b) => a[0] - b[0])) {
      if (n - (before.buckets.get(le) ?? 0) >= q * count) return Number.isFinite(le) ? round2(le * 1000) : -1;
    }
    return -1;
  };
  return { count, mean: round2(((after.sum - before.sum) / count) * 1000), p50_le: bound(0.5), p99_le: bound(0.99) };
}

/** The parts of a write's path the embedded server measures (its /metrics), as histograms. */
const PARTS: Readonly<Record<string, [name: string, labels: string]>> = {
  round_trip: ['tweeter_write_round_trip_seconds', ''],
  // The round trip less the writer thread's part: the message hops and that thread's event loop being busy.
  hop: ['tweeter_write_hop_seconds', ''],
  interactive_wait: ['tweeter_writer_wait_seconds', 'priority="interactive"'],
  interactive_group: ['tweeter_writer_group_seconds', 'kind="interactive"'],
  interactive_commit: ['tweeter_writer_commit_seconds', 'kind="interactive"'],
  bulk_group: ['tweeter_writer_group_seconds', 'kind="bulk"'],
  bulk_commit: ['tweeter_writer_commit_seconds', 'kind="bulk"'],
  // What can hold a post on the HTTP thread beside the writer: its garbage collections (prom-client's, all kinds).
  http_thread_gc: ['nodejs_gc_duration_seconds', ''],
  // What holds the job thread (the writer) beside a transaction: its collections by kind, and the WAL restart step.
  job_thread_gc_minor: ['tweeter_thread_gc_seconds', 'kind="minor"'],
  job_thread_gc_major: ['tweeter_thread_gc_seconds', 'kind="major"'],
  wal_restart: ['tweeter_writer_wal_restart_seconds', ''],
  // Every long turn of the job thread (its 10 ms tick late by ≥ 1 ms): the two above and its waves of jobs.
  job_thread_tick_late: ['tweeter_thread_tick_lateness_seconds', 'thread="job"'],
};

export type WritePathMark = Map<string, HistogramSnapshot>;

/** Reads the write path's histograms now (an empty mark when /metrics cannot be read). */
export async function markWritePath(baseUrl: string): Promise<WritePathMark> {
  const mark: WritePathMark = new Map();
  try {
    const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    for (const [part, [name, labels]] of Object.entries(PARTS)) mark.set(part, histogramOf(text, name, labels));
    // The writer's requests by the method that sent them (a counter): `count` alone.
    for (const m of text.matchAll(/^tweeter_writer_requests_total\{write="([^"]+)"\} ([0-9.eE+]+)$/gm))
      mark.set(`requests:${m[1]}`, { buckets: new Map(), sum: 0, count: Number(m[2]) });
    // The job thread's heap (a gauge, read at the mark): its young generation's size and its old space's use.
    for (const m of text.matchAll(
      /^tweeter_thread_heap_space_bytes\{thread="job",space="(new|old)_space",measure="(\w+)"\} ([0-9.eE+]+)$/gm,
    ))
      mark.set(`heap:${m[1]}_${m[2]}`, { buckets: new Map(), sum: 0, count: Number(m[3]) });
  } catch {
    // No figures then: the scenario's own figures do not depend on these.
  }
  return mark;
}

/** Each part's figures between two marks, as `write_path_<part>_ms` (parts with no observations are left out). */
export function writePathFigures(before: WritePathMark, after: WritePathMark): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const requests: Record<string, number> = {};
  const heap: Record<string, number> = {};
  for (const [part, snapshot] of after) {
    if (part.startsWith('heap:')) {
      heap[`${part.slice('heap:'.length)}_mb`] = Math.round(snapshot.count / 1e5) / 10;
      continue;
    }
    if (part.startsWith('requests:')) {
      const n = snapshot.count - (before.get(part)?.count ?? 0);
      if (n > 0) requests[part.slice('requests:'.length)] = n;
      continue;
    }
    const delta = histogramDelta(before.get(part) ?? { buckets: new Map(), sum: 0, count: 0 }, snapshot);
    if ((delta.count ?? 0) > 0) out[`write_path_${part}_ms`] = delta;
  }
  if (Object.keys(requests).length > 0) out['write_path_requests'] = requests;
  if (Object.keys(heap).length > 0) out['job_thread_heap'] = heap;
  return out;
}

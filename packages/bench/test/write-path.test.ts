import { describe, expect, it } from 'vitest';
import { histogramDelta, histogramOf, writePathFigures } from '../src/write-path.js';

// Exposition text as prom-client writes it: cumulative buckets, then sum and count, per label set.
function exposition(interactive: number[], bulk: number[]): string {
  const bounds = ['0.001', '0.0025', '0.005', '+Inf'];
  const series = (priority: string, counts: number[]) => [
    ...bounds.map((le, i) => `tweeter_writer_wait_seconds_bucket{le="${le}",priority="${priority}"} ${counts[i]}`),
    `tweeter_writer_wait_seconds_sum{priority="${priority}"} ${(counts[3] ?? 0) * 0.002}`,
    `tweeter_writer_wait_seconds_count{priority="${priority}"} ${counts[3]}`,
  ];
  return ['# HELP tweeter_writer_wait_seconds x', ...series('interactive', interactive), ...series('bulk', bulk)].join(
    '\n',
  );
}

describe('write path figures from /metrics histograms', () => {
  it('reads one label set and gives the bounds under which half and 99% of the new observations fell', () => {
    const before = histogramOf(
      exposition([10, 10, 10, 10], [0, 0, 0, 0]),
      'tweeter_writer_wait_seconds',
      'priority="interactive"',
    );
    const after = histogramOf(
      exposition([60, 108, 110, 110], [5, 5, 5, 5]),
      'tweeter_writer_wait_seconds',
      'priority="interactive"',
    );
    expect(before.count).toBe(10);
    expect(after.buckets.get(0.0025)).toBe(108);
    // 100 new: 50 under 1 ms, 98 under 2.5 ms, all under 5 ms.
    expect(histogramDelta(before, after)).toEqual({ count: 100, mean: 2, p50_le: 1, p99_le: 5 });
  });

  it('leaves out parts with nothing observed and reads nothing from an unrelated metric', () => {
    const empty = histogramOf('process_cpu_seconds_total 3', 'tweeter_writer_wait_seconds');
    expect(empty.count).toBe(0);
    const figures = writePathFigures(new Map([['interactive_wait', empty]]), new Map([['interactive_wait', empty]]));
    expect(figures).toEqual({});
  });
});

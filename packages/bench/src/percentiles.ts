/** Latency percentiles in milliseconds (nearest rank), rounded to 0.01 ms. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

/** Collects latency samples (ms, sub-millisecond precision); autocannon's own histogram keeps whole ms only. */
export class Samples {
  private values = new Float64Array(1024);
  private size = 0;

  push(ms: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = ms;
  }

  /** Samples from values recorded elsewhere (another thread's, say). */
  static of(values: Float64Array): Samples {
    const samples = new Samples();
    samples.values = values.length > 0 ? new Float64Array(values) : new Float64Array(1024);
    samples.size = values.length;
    return samples;
  }

  /** A copy of the values, in the order they were pushed. */
  toArray(): Float64Array {
    return this.values.slice(0, this.size);
  }

  get count(): number {
    return this.size;
  }

  summary(): Percentiles {
    return summarize(this.values.subarray(0, this.size));
  }
}

/** Percentiles of `values` (any order); zeros when there are none. */
export function summarize(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number => {
    if (sorted.length === 0) return 0;
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
    return round2(sorted[rank - 1] ?? 0);
  };
  return { p50: at(50), p95: at(95), p99: at(99), max: at(100), count: sorted.length };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

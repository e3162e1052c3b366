import { cpus, platform, release, totalmem } from 'node:os';
import type { MemorySummary } from './metrics-sampler.js';
import type { Percentiles } from './percentiles.js';

/** A figure in a result: a number, or a group of numbers (percentiles). */
export type Figure = number | string | Record<string, number>;

/** Figures a scenario measured; the named ones are documented, any other is an extra. Omitted when not measured. */
export interface Results {
  post_ms?: { p50: number; p95: number; p99: number; max: number };
  fanout_ms?: { p50: number; p99: number; max: number };
  feed_ms?: { p50: number; p95: number; p99: number };
  feed_rps?: number;
  rss_mb_peak?: number;
  /** Non-2xx responses, timeouts, socket errors and failed checks: never hidden. */
  errors: number;
  [extra: string]: Figure | undefined;
}

export interface Machine {
  cpus: number;
  node: string;
  cpu_model: string;
  memory_gb: number;
  os: string;
}

/** What `tweeter bench <scenario> --json FILE` writes. */
export interface ScenarioResult {
  scenario: string;
  params: Record<string, number | string | boolean>;
  machine: Machine;
  results: Results;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    node: process.version,
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round(totalmem() / 1024 ** 3),
    os: `${platform()} ${release()}`,
  };
}

/** What `scenario` measured with `params`, on this machine. */
export function scenarioResult(
  scenario: string,
  params: Readonly<ScenarioResult['params']>,
  results: Results,
): ScenarioResult {
  return { scenario, params: { ...params }, machine: machine(), results };
}

export function postFigure(p: Percentiles): NonNullable<Results['post_ms']> {
  return { p50: p.p50, p95: p.p95, p99: p.p99, max: p.max };
}

export function feedFigure(p: Percentiles): NonNullable<Results['feed_ms']> {
  return { p50: p.p50, p95: p.p95, p99: p.p99 };
}

/**
 * The server's own figures over the measured phase (its /metrics): peak RSS, CPU and the longest event-loop stall;
 * with `rssEnd` and `heap`, the RSS at the end and the peak heap too; with `requests`, the server's CPU time per
 * request; with `gc`, the server's GC pauses (ms per second, and how many took over 10 ms). In the order the results list them.
 */
export function serverFigures(
  memory: MemorySummary,
  options: { rssEnd?: boolean; heap?: boolean; requests?: number; gc?: boolean } = {},
): Record<string, Figure> {
  return {
    rss_mb_peak: memory.rssMbPeak,
    ...(options.rssEnd ? { rss_mb_end: memory.rssMbEnd } : {}),
    ...(options.heap ? { heap_mb_peak: memory.heapMbPeak } : {}),
    cpu_pct: memory.cpuPct,
    event_loop_lag_ms_max: memory.eventLoopLagMsMax,
    ...(options.requests === undefined
      ? {}
      : { server_cpu_us_per_req: Math.round((memory.serverCpuSeconds * 1e6) / Math.max(1, options.requests)) }),
    ...(options.gc
      ? { server_gc_ms_per_s: memory.gc.msPerSecond, server_gc_pauses_over_10ms: memory.gc.pausesOver10ms }
      : {}),
  };
}

/** Percentiles with their sample count, for the figures the schema does not fix. */
export function latencyFigure(p: Percentiles): Record<string, number> {
  return { p50: p.p50, p95: p.p95, p99: p.p99, max: p.max, count: p.count };
}

/** A result as aligned text lines: one figure per line, groups of numbers on one line. */
export function formatResult(result: ScenarioResult): string {
  const rows: [string, string][] = [];
  for (const [key, value] of Object.entries(result.results)) {
    if (value === undefined) continue;
    rows.push([key, formatFigure(value)]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  const params = Object.entries(result.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return [`${result.scenario} (${params})`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}

export function formatFigure(value: Figure): string {
  if (typeof value !== 'object') return String(value);
  return Object.entries(value)
    .map(([k, v]) => `${k} ${v}`)
    .join('  ');
}

import { readFileSync } from 'node:fs';
import { round2 } from './percentiles.js';
import { residentBytes } from './proc-rss.js';

export interface MemorySummary {
  /** Resident memory of the server's processes: the server and its image child (which decodes uploads). */
  rssMbPeak: number;
  rssMbEnd: number;
  heapMbPeak: number;
  heapMbEnd: number;
  samples: number;
  /** Scrapes that failed or timed out (an overloaded server); they are skipped, not guessed. */
  failedSamples: number;
  /** `/metrics` scrapes over the measured phase (the rest of the samples read /proc only). */
  scrapes: number;
  /**
   * CPU use over the measured phase in % of one core: the server (its process_cpu_seconds_total), this bench
   * process (autocannon included) and everything else on the machine (from /proc/stat; -1 where unreadable).
   * A large `other` means something else competed for the CPUs and the figures are pessimistic.
   */
  cpuPct: { server: number; bench: number; other: number };
  /** Longest event-loop stall seen (prom-client's per-scrape max, monitorEventLoopDelay): how long reads can wait. */
  eventLoopLagMsMax: number;
  /**
   * The event-loop delay's p99 of each scrape's window (prom-client resets its monitorEventLoopDelay histogram at
   * every scrape): the median window and the worst. Less sensitive to one descheduling than the max.
   */
  eventLoopLagMsP99: { median: number; max: number };
  /** Server CPU seconds over the measured phase: divided by requests, the cost of one request on any machine. */
  serverCpuSeconds: number;
  /** CPU of the server's image child over the phase in % of one core (counted in `cpuPct.other`); 0 without one. */
  imageChildCpuPct: number;
  /**
   * The server's garbage collections over the measured phase (prom-client's nodejs_gc_duration_seconds, from
   * perf_hooks GC entries, every kind): ms of pauses per second of wall time, and how many pauses took over 10 ms.
   */
  gc: { msPerSecond: number; pausesOver10ms: number };
}

/** Totals of nodejs_gc_duration_seconds over every kind: seconds, pauses, pauses of at most 10 ms. */
interface GcTotals {
  seconds: number;
  count: number;
  upTo10ms: number;
}

/** Sums a labelled metric's samples over every label set, optionally only those with `label` (e.g. `le="0.01"`). */
function metricSum(text: string, name: string, label?: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'gm'))) {
    if (label !== undefined && !(m[1] ?? '').includes(label)) continue;
    sum += Number(m[2]);
  }
  return sum;
}

function gcTotals(text: string): GcTotals {
  return {
    seconds: metricSum(text, 'nodejs_gc_duration_seconds_sum'),
    count: metricSum(text, 'nodejs_gc_duration_seconds_count'),
    upTo10ms: metricSum(text, 'nodejs_gc_duration_seconds_bucket', 'le="0.01"'),
  };
}

const MB = 1024 * 1024;
/** The server's image child (tweeter_image_child_*: resident memory, and CPU seconds of the running child). */
const CHILD_RSS = 'tweeter_image_child_resident_memory_bytes';
const CHILD_CPU = 'tweeter_image_child_cpu_seconds';

/** The value of an unlabelled Prometheus metric in exposition text. */
export function metricValue(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)`, 'm').exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** Prometheus's usual scrape interval: what a deployment's scrape costs the server, the bench's costs it too. */
export const SCRAPE_INTERVAL_MS = 15_000;

/**
 * Follows the server over a measured phase: its resident memory every `intervalMs` (from /proc when the server is a
 * local child, which costs the server nothing), and its /metrics (heap, CPU, GC, event-loop delay) at the start, at
 * the end and every `scrapeIntervalMs` between. A scrape costs the server ~3 ms of HTTP-thread CPU and ~1 ms of the
 * job thread's, so it is made as often as a deployment's Prometheus would, not once a second: at one a second it
 * delayed ~0.5% of the requests of a 200/s open loop by a few ms, which is the bench's own load, not the server's.
 * Without a pid (a server known by URL) every sample is a scrape.
 */
export class MetricsSampler {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private rssPeak = 0;
  private heapPeak = 0;
  private rssLast = 0;
  private heapLast = 0;
  private samples = 0;
  private failed = 0;
  private scrapes = 0;
  private lastScrapeAt = -Infinity;
  private serverCpuLast = 0;
  private childCpuLast = 0;
  private lagMax = 0;
  private lagP99s: number[] = [];
  private gcLast: GcTotals = { seconds: 0, count: 0, upTo10ms: 0 };
  private gcMark: GcTotals | null = null;
  private cpuMark: { at: number; server: number; child: number; bench: NodeJS.CpuUsage; machine: number } | null = null;

  constructor(
    private readonly baseUrl: string,
    /** How often resident memory is sampled (and /metrics, for a server without a pid). */
    private readonly intervalMs = 1000,
    private readonly options: { pid?: number | null; scrapeIntervalMs?: number } = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      const pid = this.pid;
      const rss = pid === null ? undefined : residentBytes(pid);
      if (rss !== undefined) {
        this.noteRss(rss);
        this.samples += 1;
      }
      const scrapeDue = performance.now() - this.lastScrapeAt >= (this.options.scrapeIntervalMs ?? SCRAPE_INTERVAL_MS);
      if (pid === null || scrapeDue) this.inFlight ??= this.sample().finally(() => (this.inFlight = null));
    }, this.intervalMs);
  }

  /** The local server's process, or null for a server known by URL. */
  private get pid(): number | null {
    return this.options.pid ?? null;
  }

  private noteRss(rss: number | undefined): void {
    if (rss === undefined) return;
    this.rssLast = rss;
    this.rssPeak = Math.max(this.rssPeak, rss);
  }

  /** Forgets the peaks so far: setup (population, logins with scrypt) is not what a scenario measures. */
  async resetPeak(): Promise<void> {
    await this.inFlight;
    await this.sample();
    this.rssPeak = this.rssLast;
    this.heapPeak = this.heapLast;
    this.lagMax = 0;
    this.lagP99s = [];
    this.scrapes = 0;
    this.gcMark = this.gcLast;
    this.cpuMark = {
      at: Date.now(),
      server: this.serverCpuLast,
      child: this.childCpuLast,
      bench: process.cpuUsage(),
      machine: machineBusySeconds(),
    };
  }

  async stop(): Promise<MemorySummary> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
    await this.sample();
    const mark = this.cpuMark;
    const wall = mark ? Math.max(1e-3, (Date.now() - mark.at) / 1000) : 1;
    const server = mark ? (this.serverCpuLast - mark.server) / wall : 0;
    const used = mark ? process.cpuUsage(mark.bench) : { user: 0, system: 0 };
    const bench = (used.user + used.system) / 1e6 / wall;
    const machine = mark && mark.machine >= 0 ? (machineBusySeconds() - mark.machine) / wall : -1;
    const pct = (x: number): number => Math.round(x * 100);
    // A replaced child starts its count again: never below zero.
    const child = mark ? Math.max(0, this.childCpuLast - mark.child) / wall : 0;
    return {
      imageChildCpuPct: pct(child),
      cpuPct: {
        server: pct(server),
        bench: pct(bench),
        other: machine < 0 ? -1 : Math.max(0, pct(machine - server - bench)),
      },
      eventLoopLagMsMax: round2(this.lagMax * 1000),
      eventLoopLagMsP99: windows(this.lagP99s),
      serverCpuSeconds: mark ? this.serverCpuLast - mark.server : 0,
      gc: gcSince(this.gcMark, this.gcLast, wall),
      rssMbPeak: round2(this.rssPeak / MB),
      rssMbEnd: round2(this.rssLast / MB),
      heapMbPeak: round2(this.heapPeak / MB),
      heapMbEnd: round2(this.heapLast / MB),
      samples: this.samples,
      failedSamples: this.failed,
      scrapes: this.scrapes,
    };
  }

  private async sample(): Promise<void> {
    this.lastScrapeAt = performance.now();
    this.scrapes += 1;
    try {
      const res = await fetch(`${this.baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      const serverRss = metricValue(text, 'process_resident_memory_bytes');
      const rss = serverRss === undefined ? undefined : serverRss + (metricValue(text, CHILD_RSS) ?? 0);
      this.childCpuLast = metricValue(text, CHILD_CPU) ?? this.childCpuLast;
      const heap = metricValue(text, 'nodejs_heap_size_used_bytes');
      this.serverCpuLast = metricValue(text, 'process_cpu_seconds_total') ?? this.serverCpuLast;
      this.lagMax = Math.max(this.lagMax, metricValue(text, 'nodejs_eventloop_lag_max_seconds') ?? 0);
      const p99 = metricValue(text, 'nodejs_eventloop_lag_p99_seconds');
      if (p99 !== undefined) this.lagP99s.push(p99);
      this.gcLast = gcTotals(text);
      if (!res.ok || rss === undefined || heap === undefined) throw new Error(`metrics: ${res.status}`);
      // A local server's resident memory is read from /proc (the same figure, the child's included) at every tick.
      const pid = this.pid;
      this.noteRss(pid === null ? rss : (residentBytes(pid) ?? rss));
      this.heapLast = heap;
      this.heapPeak = Math.max(this.heapPeak, heap);
      this.samples += 1;
    } catch {
      this.failed += 1;
    }
  }
}

function gcSince(mark: GcTotals | null, last: GcTotals, wallS: number): MemorySummary['gc'] {
  if (mark === null) return { msPerSecond: 0, pausesOver10ms: 0 };
  return {
    msPerSecond: round2(((last.seconds - mark.seconds) * 1000) / wallS),
    pausesOver10ms: last.count - mark.count - (last.upTo10ms - mark.upTo10ms),
  };
}

/** The median and largest of per-window p99s, in ms. */
function windows(p99s: number[]): { median: number; max: number } {
  const sorted = [...p99s].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  return { median: round2(median * 1000), max: round2((sorted.at(-1) ?? 0) * 1000) };
}

/** CPU seconds all cores spent busy since boot (Linux /proc/stat), or -1 elsewhere. */
function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    const busy = fields.slice(0, 8).reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + v), 0);
    return busy / 100; // USER_HZ is 100 on Linux
  } catch {
    return -1;
  }
}

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { startFeedReaders } from '../load.js';
import type { MemorySummary } from '../metrics-sampler.js';
import { Samples, type Percentiles } from '../percentiles.js';
import { sleep, startSampler } from '../setup.js';
import type { UploadWorkerCounts, UploadWorkerData } from '../upload-worker.js';

/** One server's readers: its URL, its process (its memory is read from /proc) and their tokens. */
export interface Readers {
  url: string;
  pid: number | null;
  tokens: string[];
}

export async function upload(
  url: string,
  token: string,
  bytes: Buffer,
): Promise<{ ok: boolean; status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/v1/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
    body: bytes,
  });
  await res.arrayBuffer();
  return { ok: res.status === 201, status: res.status, ms: performance.now() - started };
}

/** What one condition (with or without uploads) gave over all its phases. */
export interface ConditionResult {
  latencies: Percentiles;
  errors: number;
  /** Feed pages answered per second, over the condition's phases (the offered rate is the scenario's `rate`). */
  pagesPerSecond: number;
  /**
   * CPU in % of one core, averaged over the condition's phases: the server process, its image child, the bench (the
   * load generator: readers and uploaders), the rest of the machine (the child not counted again).
   */
  cpuPct: MemorySummary['cpuPct'] & { imageChild: number };
  rssMbPeak: number;
  /**
   * Event-loop delay in ms: the server's (the worst per-scrape p99 and the max, from /metrics) and the timing loop's
   * own (this thread's, which sends the feed requests and stamps their answers: a delay there is counted in every
   * latency it times, whatever the server did).
   */
  loopDelayMs: { serverP99: number; serverMax: number; timerP99: number; timerMax: number };
  /** The server's GC over the condition: pauses over 10 ms (summed), and the worst phase's ms of pauses per s. */
  serverGc: { pausesOver10ms: number; msPerSecondMax: number };
}

export interface UploadPhasesResult {
  quiet: ConditionResult;
  busy: ConditionResult;
  uploaded: number;
  refused: number;
  errors: number;
}

/**
 * The budget "20 uploads at once do not raise other readers' feed page p99 above 20 ms", measured on ONE server in
 * alternated phases: readers alone, then readers while `concurrent` uploads run non-stop, `cycles` times in the order
 * quiet-busy, busy-quiet... (so a drift of the machine over the run falls on both conditions alike). Each phase's
 * uploads are all answered before the next phase starts, so a quiet phase has no decode left over. Both conditions
 * read the same server, same population and same readers at the same offered rate: the difference between their
 * p99s is what the uploads add, not what another process competing at the same moment takes.
 */
export async function uploadPhases(options: {
  readers: Readers;
  uploader: string;
  jpeg: Buffer;
  rate: number;
  connections: number;
  pages: number;
  cycles: number;
  concurrent: number;
  log: (line: string) => void;
}): Promise<UploadPhasesResult> {
  const { readers, rate, cycles } = options;
  const perPhase = Math.max(1, Math.ceil(options.pages / cycles));
  const quiet = new Condition();
  const busy = new Condition();
  let uploaded = 0;
  let refused = 0;
  let errors = 0;

  const read = async (into: Condition) => {
    const sampler = await startSampler(readers.url, readers.pid);
    const timer = monitorEventLoopDelay({ resolution: 5 });
    timer.enable();
    const load = await startFeedReaders({
      baseUrl: readers.url,
      tokens: readers.tokens,
      connections: options.connections,
      rate,
      durationS: perPhase / rate,
      onSample: (_at, ms) => into.latencies.push(ms),
    }).done;
    timer.disable();
    into.add(await sampler.stop(), load.errors, load.responses - load.non2xx, load.seconds);
    into.addTimer(timer.percentile(99) / 1e6, timer.max / 1e6);
  };

  const withUploads = async () => {
    // The uploaders on a thread of their own: the timing loop (this thread) only sends and stamps feed requests.
    const worker = new Worker(new URL('../upload-worker.js', import.meta.url), {
      workerData: {
        url: readers.url,
        token: options.uploader,
        jpeg: options.jpeg,
        concurrent: options.concurrent,
      } satisfies UploadWorkerData,
    });
    try {
      // The bodies are on their way and the first decodes under way before a read is measured.
      await sleep(1000);
      await read(busy);
      const counts = await new Promise<UploadWorkerCounts>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage('stop');
      });
      uploaded += counts.uploaded;
      refused += counts.refused;
      errors += counts.errors;
    } finally {
      await worker.terminate();
    }
  };

  for (let cycle = 0; cycle < cycles; cycle++) {
    const order = cycle % 2 === 0 ? ['quiet', 'busy'] : ['busy', 'quiet'];
    for (const phase of order) {
      options.log(`phase ${cycle + 1}.${phase}: ${perPhase} feed pages at ${rate}/s`);
      if (phase === 'quiet') await read(quiet);
      else await withUploads();
    }
  }
  return { quiet: quiet.result(), busy: busy.result(), uploaded, refused, errors };
}

class Condition {
  readonly latencies = new Samples();
  private errors = 0;
  private answered = 0;
  private seconds = 0;
  private readonly cpu: (MemorySummary['cpuPct'] & { imageChild: number })[] = [];
  private rssMbPeak = 0;
  private readonly loop = { serverP99: 0, serverMax: 0, timerP99: 0, timerMax: 0 };
  private readonly gc = { pausesOver10ms: 0, msPerSecondMax: 0 };

  add(memory: MemorySummary, errors: number, answered: number, seconds: number): void {
    this.errors += errors;
    this.answered += answered;
    this.seconds += seconds;
    const { other } = memory.cpuPct;
    const imageChild = memory.imageChildCpuPct;
    this.cpu.push({ ...memory.cpuPct, imageChild, other: other < 0 ? other : Math.max(0, other - imageChild) });
    this.rssMbPeak = Math.max(this.rssMbPeak, memory.rssMbPeak);
    this.loop.serverP99 = Math.max(this.loop.serverP99, memory.eventLoopLagMsP99.max);
    this.loop.serverMax = Math.max(this.loop.serverMax, memory.eventLoopLagMsMax);
    this.gc.pausesOver10ms += memory.gc.pausesOver10ms;
    this.gc.msPerSecondMax = Math.max(this.gc.msPerSecondMax, memory.gc.msPerSecond);
  }

  addTimer(p99Ms: number, maxMs: number): void {
    this.loop.timerP99 = Math.max(this.loop.timerP99, Math.round(p99Ms * 100) / 100);
    this.loop.timerMax = Math.max(this.loop.timerMax, Math.round(maxMs * 100) / 100);
  }

  result(): ConditionResult {
    const mean = (pick: (c: MemorySummary['cpuPct'] & { imageChild: number }) => number) =>
      Math.round(this.cpu.reduce((sum, c) => sum + pick(c), 0) / Math.max(1, this.cpu.length));
    return {
      latencies: this.latencies.summary(),
      errors: this.errors,
      pagesPerSecond: Math.round((this.answered / Math.max(0.001, this.seconds)) * 10) / 10,
      cpuPct: {
        server: mean((c) => c.server),
        imageChild: mean((c) => c.imageChild),
        bench: mean((c) => c.bench),
        other: mean((c) => c.other),
      },
      rssMbPeak: this.rssMbPeak,
      loopDelayMs: { ...this.loop },
      serverGc: { ...this.gc },
    };
  }
}

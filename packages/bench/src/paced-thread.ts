import { extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { LeanRequest } from './lean-http.js';
import type { LoadResult, LoadRun } from './load.js';
import { startPaced } from './paced.js';
import { Samples } from './percentiles.js';
import { watchSelf, type SelfWatch } from './self-watch.js';

export interface PacedThreadData {
  baseUrl: string;
  connections: number;
  rate: number;
  durationS?: number;
  /** Serialized requests (lean-http.ts), sent in turn and cycled. */
  requests: Uint8Array[];
  /** SCHED_FIFO priority for the thread (realtime.ts); 0 or absent: the normal class. */
  realtime?: number;
  /** false: the thread's event-loop delay is not watched (self-watch.ts: a 1 ms timer); its figures are then 0. */
  watchLoop?: boolean;
}

export type PacedThreadResult = Omit<LoadResult, 'latencies' | 'sendLate' | 'generator'> & {
  latencies: Float64Array;
  /** Each 2xx answer's due time, epoch ms, in the order of `latencies`. */
  dues: Float64Array;
  /** How late each 2xx answer's request left the thread (ms), in the order of `latencies`. */
  lates: Float64Array;
  sendLate: Float64Array;
  generator: SelfWatch;
  /** Whether the thread ran in the real-time class as asked. */
  realtime: boolean;
};

/**
 * Open-loop lean load (paced.ts) from a worker thread of its own. On the bench's main thread the sender shared its
 * event loop with everything else the bench does while it measures (the /metrics sampler, delivery polls, fetch and
 * JSON, their GC), and a request due during such a stall left late and was charged to the server. Each latency
 * still counts from its request's due time. `onSample` is called for every 2xx answer once the load is done (with
 * the due time on this thread's performance.now() clock), so it must only record. Run from the TypeScript sources
 * (tests), the worker's module cannot load and the load runs on this thread instead.
 */
export function startPacedThread(spec: {
  baseUrl: string;
  connections: number;
  rate: number;
  durationS?: number;
  requests: readonly LeanRequest[];
  onSample?(startedAt: number, ms: number, lateMs: number): void;
  /** SCHED_FIFO priority for the sender thread where the bench may set it (realtime.ts); 0 or absent: none. */
  realtime?: number;
  /** false: leave the sender's event-loop delay unwatched (a 1 ms timer waking the thread); reported as 0. */
  watchLoop?: boolean;
}): LoadRun {
  const built = extname(fileURLToPath(import.meta.url)) === '.js';
  if (!built) return inProcess(spec);
  const data: PacedThreadData = {
    baseUrl: spec.baseUrl,
    connections: spec.connections,
    rate: spec.rate,
    durationS: spec.durationS,
    requests: spec.requests.map((r) => new Uint8Array(r.buffer, r.byteOffset, r.byteLength)),
    ...(spec.realtime ? { realtime: spec.realtime } : {}),
    ...(spec.watchLoop === false ? { watchLoop: false } : {}),
  };
  youngGenerationForThreads();
  const worker = new Worker(new URL('./paced-worker.js', import.meta.url), { workerData: data });
  const done = new Promise<LoadResult>((resolve, reject) => {
    let answered = false;
    worker.once('message', (msg: PacedThreadResult) => {
      answered = true;
      const { dues, lates, latencies, sendLate, ...rest } = msg;
      // Epoch ms back onto this thread's performance.now() clock.
      if (spec.onSample) {
        for (let i = 0; i < latencies.length; i++) {
          spec.onSample((dues[i] as number) - performance.timeOrigin, latencies[i] as number, lates[i] as number);
        }
      }
      resolve({ ...rest, latencies: Samples.of(latencies), sendLate: Samples.of(sendLate) });
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the paced load thread exited (${code}) without its result`));
    });
  });
  return { stop: () => worker.postMessage('stop'), done };
}

let flagsSet = false;

/**
 * V8 reads its young-generation size when an isolate is created, so setting it here applies to the threads started
 * from now on (this process's own heap keeps its size). With V8's default semi-spaces (1 MB to start) the sender's
 * ~1 KB a request (Node's socket writes, timers, closures) made a scavenge every second or two, and what they
 * promoted started a mark-compact within 8 s: pauses of 5-13 ms on this thread, charged to the server. 16 MB
 * semi-spaces (the server's own setting, runtimes/node/heap-flags.ts) make it 0 collections in a 15 s run.
 */
function youngGenerationForThreads(): void {
  if (flagsSet) return;
  flagsSet = true;
  setFlagsFromString('--min-semi-space-size=16');
  setFlagsFromString('--max-semi-space-size=32');
  // A scavenge's parallel tasks run on V8's helper threads, which wait for a core the server is using: one of 1.5 MB
  // survivors took 77 ms on a loaded machine (74 of them in the helpers), 9 ms on its own thread. Read at every
  // scavenge, so this applies to the whole bench process, which is only the load generator.
  setFlagsFromString('--no-parallel-scavenge');
  // V8's memory reducer shrinks an idle-looking heap with mark-compacts: ~8 s into a load it ran two or three on the
  // sender's thread (20-40 ms each on a loaded machine, the bench's sender GC of up to 25-28 ms in the budget runs),
  // for a heap of a few MB that never needed them. The load generator does not give memory back mid-run.
  setFlagsFromString('--no-memory-reducer');
}

function inProcess(spec: Parameters<typeof startPacedThread>[0]): LoadRun {
  const self = watchSelf({ loopDelay: spec.watchLoop !== false });
  const run = startPaced({
    ...spec,
    request: () => {
      throw new Error('lean requests only');
    },
    lean: (n) => spec.requests[n % spec.requests.length] as LeanRequest,
    preconnect: true,
  });
  return { stop: run.stop, done: run.done.then((result) => ({ ...result, generator: self.stop() })) };
}

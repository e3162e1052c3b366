import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { startPaced } from './paced.js';
import { setRealtime, thisThreadId } from './realtime.js';
import { Samples } from './percentiles.js';
import { watchSelf } from './self-watch.js';
import type { PacedThreadData, PacedThreadResult } from './paced-thread.js';

/**
 * The open-loop sender alone on a thread (see paced-thread.ts): nothing else runs on this event loop, so requests leave
 * on time and answers are read as they arrive, whatever the bench's main thread is doing. Due times are sent back as
 * epoch ms (performance.timeOrigin + now), a clock the main thread shares.
 */
// Named so that per-thread figures (thread-sched.ts, perf, top -H) tell it from V8's helpers, which Node also names
// `node`. Linux only; elsewhere the write fails and the name stays.
try {
  writeFileSync('/proc/thread-self/comm', 'bench-paced');
} catch {
  // no /proc
}
const port = parentPort;
if (!port) throw new Error('paced-worker runs as a worker thread');
const data = workerData as PacedThreadData;
const realtime = (data.realtime ?? 0) > 0 && setRealtime(thisThreadId(), data.realtime ?? 0);
const requests = data.requests.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength));
const dues = new Samples();
const lates = new Samples();

/**
 * Everything this thread allocated while it started (its modules, the requests, the sockets) is still in the young
 * generation, and the first scavenge would copy all of it: ~1.4 MB, 7-9 ms, 16-29 ms on a loaded machine, in the
 * middle of the measured load. Collecting before the first request is due moves it out of the way, so the load's
 * own scavenges only copy the few requests in flight.
 */
function collectSetUp(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
  // Two scavenges, not a mark-compact: a mark-compact would start V8's memory reducer, which runs more of them ~8 s
  // later (in the load); what survives two scavenges is promoted to the old generation.
  gc({ type: 'minor' });
  gc({ type: 'minor' });
}
let watch: ReturnType<typeof watchSelf> | null = null;
const run = startPaced({
  baseUrl: data.baseUrl,
  connections: data.connections,
  rate: data.rate,
  durationS: data.durationS,
  request: () => {
    throw new Error('the paced thread sends lean requests only');
  },
  lean: (n) => requests[n % requests.length] as Buffer,
  preconnect: true,
  beforeStart: () => {
    collectSetUp();
    watch = watchSelf({ loopDelay: data.watchLoop !== false });
  },
  onSample: (dueAt, _ms, lateMs) => {
    dues.push(performance.timeOrigin + dueAt);
    lates.push(lateMs);
  },
});
port.on('message', (msg: unknown) => {
  if (msg === 'stop') run.stop();
});
void run.done.then((result) => {
  const { latencies, sendLate, ...counts } = result;
  const answer: PacedThreadResult = {
    ...counts,
    latencies: latencies.toArray(),
    dues: dues.toArray(),
    lates: lates.toArray(),
    sendLate: sendLate?.toArray() ?? new Float64Array(0),
    realtime,
    generator: watch?.stop() ?? {
      loopDelayMs: { p99: 0, max: 0 },
      gc: { pauses: 0, maxMs: 0, totalMs: 0, allocatedMb: 0 },
      longGc: [],
    },
  };
  port.postMessage(answer);
});

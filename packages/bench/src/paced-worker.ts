import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { startPaced } from './paced.js';
import { Samples } from './percentiles.js';
import { watchSelf } from './self-watch.js';
import type { PacedThreadData, PacedThreadResult } from './paced-thread.js';

/**
 * The open-loop sender alone on a thread (see paced-thread.ts): nothing else runs on this event loop, so requests leave
 * on time and answers are read as they arrive, whatever the bench's main thread is doing. Due times are sent back as
 * epoch ms (performance.timeOrigin + now), a clock the main thread shares.
 */
const port = parentPort;
if (!port) throw new Error('paced-worker runs as a worker thread');
const data = workerData as PacedThreadData;
const requests = data.requests.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength));
const dues = new Samples();
const self = watchSelf();
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
  onSample: (dueAt) => dues.push(performance.timeOrigin + dueAt),
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
    sendLate: sendLate?.toArray() ?? new Float64Array(0),
    generator: self.stop(),
  };
  port.postMessage(answer);
});

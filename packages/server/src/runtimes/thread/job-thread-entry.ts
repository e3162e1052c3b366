// The body of a job thread (see job-threads.ts): the job workers, on a read connection, their writes sent to the
// writer thread over a channel of their own.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createLogger } from '../../logger.js';
import { createJobMetrics } from '../../metrics.js';
import { systemClock } from '../../ports/clock.js';
import { createJobRuntime } from '../../wiring/job-runtime.js';
import { Presence } from '../../adapters/ws/presence.js';
import { lowerThisThread, nameThisThread } from '../../os/threads.js';
import { observeThreadGc } from './thread-gc.js';
import { observeThreadTurns } from './thread-turns.js';
import { postingRealtime, type FromJobThread, type JobThreadData, type ToJobThread } from './messages.js';
import type { JobToWriter, WriterToJob } from './writer-messages.js';

const port = parentPort;
if (!port) throw new Error('job-thread-entry runs in a worker thread (started by JobThreads)');
const { config, index, startPool: startAtOnce, presence } = workerData as JobThreadData;
// Bulk work (fan-out pages, their plans) gives way to the HTTP thread's reads when both want a core.
lowerThisThread(config.backgroundNice);
nameThisThread(`tweeter-jobs-${String(index)}`);
const post = (message: FromJobThread): void => port.postMessage(message);
const logger = createLogger(config.logLevel).child({ thread: index });
const metrics = createJobMetrics();
const stopGcObserver = observeThreadGc(metrics.registry, 'job');
const stopTurnsObserver = observeThreadTurns(metrics.registry, 'job');
const wakers = new Set<() => void>();
const wake = (): void => {
  for (const listener of [...wakers]) listener();
};
const jobs = await createJobRuntime(config, {
  realtime: postingRealtime(port, presence && new Presence(presence)),
  metrics,
  logger,
  clock: systemClock,
  wake(listener) {
    wakers.add(listener);
    return () => wakers.delete(listener);
  },
});

let writerPort: MessagePort | null = null;
/** Whether this thread's first channel asked for the release of its slot's leases (a crashed predecessor's). */
let released = false;
function attachWriter(next: MessagePort): void {
  writerPort?.close();
  writerPort = next;
  const send = (message: JobToWriter): void => next.postMessage(message);
  next.on('message', (message: WriterToJob) => {
    if (message.type === 'written') jobs.writes.answer(message);
    else if (message.type === 'ready') wake();
    else jobs.pushNotified(message.groups);
  });
  // First on the channel: the release goes ahead of this thread's first receive.
  if (!released) send({ type: 'release-leases' });
  released = true;
  jobs.writes.attach(send);
}

let started = false;
const startPool = (): void => {
  if (started) return;
  started = true;
  jobs.workers.start();
};
let stopping: Promise<void> | undefined;
port.on('message', (message: ToJobThread) => {
  switch (message.type) {
    case 'writer-port':
      // A port that arrives once stopping would keep this thread alive after its work is done.
      if (stopping) message.port.close();
      else attachWriter(message.port);
      return;
    case 'writer-lost':
      // Its writes in hand may or may not have committed: they fail (the jobs run again); new ones wait.
      jobs.writes.detach();
      writerPort?.close();
      writerPort = null;
      return;
    case 'start':
      if (!stopping) startPool();
      return;
    case 'ready':
      wake();
      return;
    case 'metrics':
      void metrics.registry.getMetricsAsJSON().then((snapshot) => post({ type: 'metrics', id: message.id, snapshot }));
      return;
    case 'stop':
      stopping ??= jobs.close().then(() => {
        stopGcObserver();
        stopTurnsObserver();
        writerPort?.close();
        post({ type: 'stopped' });
        port.close();
      });
      return;
  }
});
if (startAtOnce) startPool();
post({ type: 'started' });

// The body of a job thread (see job-threads.ts): the file's one writer, with the job workers beside it.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { sendError, writtenAnswer } from '../../adapters/sqlite/remote-writes.js';
import { createLogger } from '../../logger.js';
import { createJobMetrics } from '../../metrics.js';
import { systemClock } from '../../ports/clock.js';
import { createJobRuntime } from '../../wiring/job-runtime.js';
import { Presence } from '../../adapters/ws/presence.js';
import { lowerThisThread, nameThisThread } from '../../os/threads.js';
import { observeThreadGc } from './thread-gc.js';
import { observeThreadTurns } from './thread-turns.js';
import { postingRealtime, type FromJobThread, type JobThreadData, type ToJobThread } from './messages.js';

const port = parentPort;
if (!port) throw new Error('job-thread-entry runs in a worker thread (started by JobThreads)');
const {
  config,
  index,
  leaseOwner,
  automaticCheckpoints,
  startPool: startAtOnce,
  presence,
} = workerData as JobThreadData;
// Bulk work (fan-out pages, their commits) gives way to the HTTP thread's reads when both want a core.
lowerThisThread(config.backgroundNice);
nameThisThread(`tweeter-jobs-${String(index)}`);
const post = (message: FromJobThread): void => port.postMessage(message);
const logger = createLogger(config.logLevel).child({ thread: index });
const metrics = createJobMetrics();
const stopGcObserver = observeThreadGc(metrics.registry, 'job');
const stopTurnsObserver = observeThreadTurns(metrics.registry, 'job');
const wakers = new Set<() => void>();
const jobs = await createJobRuntime(config, {
  realtime: postingRealtime(port, presence && new Presence(presence)),
  metrics,
  logger,
  clock: systemClock,
  leaseOwner,
  automaticCheckpoints,
  wake(listener) {
    wakers.add(listener);
    return () => wakers.delete(listener);
  },
});

let started = false;
const startPool = (): void => {
  if (started) return;
  started = true;
  jobs.workers.start();
};
let stopping: Promise<void> | undefined;
port.on('message', (message: ToJobThread) => {
  switch (message.type) {
    case 'write': {
      const { id } = message;
      // The HTTP thread traces a write's round trip into this thread's part and the hops (RemoteWrites.onAnswered).
      const at = performance.now();
      const heldMs = (): number => performance.now() - at;
      const failed = (err: unknown): void =>
        post({ type: 'written', id, ok: false, error: sendError(err), heldMs: heldMs() });
      jobs.write(message.target, message.method, message.args).then((value) => {
        try {
          post(writtenAnswer(message, value, heldMs()));
        } catch (err) {
          failed(err); // a result that cannot cross threads: a bug in the write's port, answered instead of lost
        }
      }, failed);
      return;
    }
    case 'start':
      if (!stopping) startPool();
      return;
    case 'ready':
      for (const wake of [...wakers]) wake();
      return;
    case 'metrics':
      void metrics.registry.getMetricsAsJSON().then((snapshot) => post({ type: 'metrics', id: message.id, snapshot }));
      return;
    case 'stop':
      stopping ??= jobs.close().then(() => {
        stopGcObserver();
        stopTurnsObserver();
        post({ type: 'stopped' });
        port.close();
      });
      return;
  }
});
if (startAtOnce) startPool();
post({ type: 'started' });

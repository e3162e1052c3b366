// The body of a job thread (see job-threads.ts): the job workers on their own connection to the database.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../logger.js';
import { createJobMetrics } from '../../metrics.js';
import { systemClock } from '../../ports/clock.js';
import { createJobRuntime } from '../../wiring/jobs.js';
import { postingRealtime, type FromJobThread, type JobThreadData, type ToJobThread } from './messages.js';

const port = parentPort;
if (!port) throw new Error('job-thread-entry runs in a worker thread (started by JobThreads)');
const { config, index, leaseOwner } = workerData as JobThreadData;
const post = (message: FromJobThread): void => port.postMessage(message);
const logger = createLogger(config.logLevel).child({ thread: index });
const metrics = createJobMetrics();
const wakers = new Set<() => void>();
const jobs = await createJobRuntime(config, {
  realtime: postingRealtime(port),
  metrics,
  logger,
  clock: systemClock,
  leaseOwner,
  wake(listener) {
    wakers.add(listener);
    return () => wakers.delete(listener);
  },
});

let stopping: Promise<void> | undefined;
port.on('message', (message: ToJobThread) => {
  switch (message.type) {
    case 'ready':
      for (const wake of [...wakers]) wake();
      return;
    case 'metrics':
      void metrics.registry.getMetricsAsJSON().then((snapshot) => post({ type: 'metrics', id: message.id, snapshot }));
      return;
    case 'stop':
      stopping ??= jobs.close().then(() => {
        post({ type: 'stopped' });
        port.close();
      });
      return;
  }
});
jobs.workers.start();
post({ type: 'started' });

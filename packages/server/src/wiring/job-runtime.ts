import type { Config } from '../config/config.js';
import type { RemoteWrites } from '../adapters/sqlite/remote-writes.js';
import type { WorkerPool } from '../jobs/worker-pool.js';
import type { Logger } from '../logger.js';
import type { JobMetrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { NotifiedGroup } from '../ports/store.js';
import { LIVE_PUSH_WINDOW_MS } from '../services/live-throttle.js';
import { createJobRegistry, createWorkerPool } from './jobs.js';
import { notifiedPusher } from './notified-pushes.js';
import { createReadModel } from './read-model.js';
import { openBlobs, openStores } from './stores.js';

/** The job thread's runtime: a read connection, the way to the writer thread, processors and pool. */
export interface JobRuntime {
  workers: WorkerPool;
  /** Where this thread's writes go: attached to the writer thread's channel (job-thread-entry.ts). */
  writes: RemoteWrites;
  /** Pushes live the notification groups a reaction of the HTTP thread changed (sent on by the writer thread). */
  pushNotified(groups: NotifiedGroup[]): void;
  /** Stops the pool (finishing jobs in hand), then closes the store. */
  close(): Promise<void>;
}

/**
 * Builds the job side alone from the config, opening its own store and queue: what a job thread runs. `wake`
 * subscribes to "jobs may be ready" signals from elsewhere (the thread that committed them), besides the queue's own.
 */
export async function createJobRuntime(
  config: Config,
  deps: {
    realtime: Realtime;
    metrics: JobMetrics;
    logger: Logger;
    clock: Clock;
    wake(listener: () => void): () => void;
  },
): Promise<JobRuntime> {
  const { realtime, metrics, logger, clock } = deps;
  // The writer thread owns the file's one writer: this thread reads, and sends it its writes (the queue's too). The
  // main thread set the file up; the leases this thread's receives take are released by its start (job-thread-entry).
  const opened = await openStores(config, clock, { writes: 'elsewhere', setUp: false });
  const writes = opened.remoteWrites;
  if (!writes) throw new Error('job threads need the embedded SQLite store');
  const { store } = opened.value;
  const queue = withReadySignal(opened.value.queue, deps.wake);
  const { hydrator } = createReadModel(config, store, clock);
  const blobs = await openBlobs(config);
  const jobs = createJobRegistry(config, {
    store,
    blobs: blobs.value,
    queue,
    hydrator,
    realtime,
    clock,
    metrics,
    notifyPushWindowMs: LIVE_PUSH_WINDOW_MS,
  });
  const workers = createWorkerPool(config, { queue, jobs, logger, metrics });
  const pushNotified = notifiedPusher(config, { store, hydrator, realtime, clock, windowMs: LIVE_PUSH_WINDOW_MS });
  return {
    workers,
    writes,
    pushNotified,
    async close() {
      await workers.stop();
      await realtime.flush();
      await opened.close();
      await store.close();
      await blobs.close();
    },
  };
}

/** The queue, also woken by `wake` (signals that come from another connection to the same queue). */
function withReadySignal(queue: JobQueue, wake: (listener: () => void) => () => void): JobQueue {
  return {
    ...(queue.queues ? { queues: queue.queues } : {}),
    enqueue: (jobs) => queue.enqueue(jobs),
    receive: (options) => queue.receive(options),
    ack: (job) => queue.ack(job),
    ...(queue.ackBatch ? { ackBatch: queue.ackBatch.bind(queue) } : {}),
    ...(queue.ackAndReceive ? { ackAndReceive: queue.ackAndReceive.bind(queue) } : {}),
    fail: (job, error) => queue.fail(job, error),
    extend: (jobs, visibilityMs) => queue.extend(jobs, visibilityMs),
    release: (jobs) => queue.release(jobs),
    stats: () => queue.stats(),
    listDead: (options) => queue.listDead(options),
    redrive: (ids) => queue.redrive(ids),
    onReady(listener) {
      const own = queue.onReady?.(listener);
      const other = wake(listener);
      return () => {
        own?.();
        other();
      };
    },
  };
}

import type { Config } from '../config/config.js';
import { dispatchWrite } from '../adapters/sqlite/write-routing.js';
import type { WorkerPool } from '../jobs/worker-pool.js';
import type { Logger } from '../logger.js';
import type { JobMetrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import { LIVE_PUSH_WINDOW_MS } from '../services/live-throttle.js';
import { createJobRegistry, createWorkerPool } from './jobs.js';
import { notifiedPusher } from './notified-pushes.js';
import { createReadModel } from './read-model.js';
import { openBlobs, openStores } from './stores.js';

/** The job thread's runtime: the file's one writer, processors and pool. */
export interface JobRuntime {
  workers: WorkerPool;
  /** Runs a write another thread sent (its store's write methods, see write-routing.ts) on this thread's writer. */
  write(target: string, method: string, args: unknown[]): Promise<unknown>;
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
    /** The name this side's job leases are taken under (see StorageOptions.leaseOwner). */
    leaseOwner?: string;
    /** false when the server's checkpoint thread checkpoints the WAL (OpenOptions.automaticCheckpoints). */
    automaticCheckpoints: boolean;
  },
): Promise<JobRuntime> {
  const { realtime, metrics, logger, clock } = deps;
  // This thread owns the file's one writer: the HTTP thread sends its writes here (write()).
  const opened = await openStores(config, clock, {
    automaticCheckpoints: deps.automaticCheckpoints,
    leaseOwner: deps.leaseOwner,
    observeWrites: {
      waited: (priority, seconds) => metrics.writerWait.observe({ priority }, seconds),
      group(kind, seconds, commitSeconds) {
        metrics.writerGroup.observe({ kind }, seconds);
        metrics.writerCommit.observe({ kind }, commitSeconds);
      },
      requested: (write) => metrics.writerRequests.inc({ write }),
      betweenGroups: (seconds) => metrics.writerWalRestart.observe(seconds),
    },
  });
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
    write: async (target, method, args) =>
      pushNotified(target, await dispatchWrite(opened.value, target, method, args)),
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

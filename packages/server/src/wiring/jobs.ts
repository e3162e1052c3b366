import type { Config } from '../config/config.js';
import { GuardedFetcher } from '../adapters/link-fetch/guarded-fetch.js';
import { AccountDeleteProcessor } from '../jobs/account-delete.js';
import { MAX_DELETION_PAGE } from '../jobs/account-delete-steps.js';
import { AccountSweepProcessor } from '../jobs/account-sweep.js';
import { BoardRetentionProcessor } from '../jobs/board-retention.js';
import { CardFetchProcessor } from '../jobs/card-fetch.js';
import { CountsReconcileProcessor } from '../jobs/counts-reconcile.js';
import { ExpirySweepProcessor } from '../jobs/expiry-sweep.js';
import { ImagePipeline } from '../services/image-pipeline.js';
import { DirectUploads } from '../services/media-direct.js';
import { MediaService } from '../services/media.js';
import { MediaProcessProcessor } from '../jobs/media-process.js';
import { MediaSweepProcessor } from '../jobs/media-sweep.js';
import { FanoutDeliverProcessor } from '../jobs/fanout-deliver.js';
import { FanoutLiveProcessor } from '../jobs/fanout-live.js';
import { FanoutPlanProcessor } from '../jobs/fanout-plan.js';
import { FeedTrimChecks, FeedTrimProcessor } from '../jobs/feed-trim.js';
import { FollowBackfillProcessor } from '../jobs/follow-backfill.js';
import { FollowCountsProcessor } from '../jobs/follow-counts.js';
import { IndexStatusProcessor } from '../jobs/index-status.js';
import { IndexUserProcessor } from '../jobs/index-user.js';
import { SearchReindexProcessor } from '../jobs/search-reindex.js';
import { OutboxResendProcessor } from '../jobs/outbox-resend.js';
import { ProcessorRegistry } from '../jobs/processor-registry.js';
import { StatusCountedProcessor } from '../jobs/status-counted.js';
import { StatusPurgeProcessor } from '../jobs/status-purge.js';
import { StatusRetractProcessor } from '../jobs/status-retract.js';
import { RepostRetractProcessor, RepostSweepProcessor } from '../jobs/repost-retract.js';
import { UnfollowPurgeProcessor } from '../jobs/unfollow-purge.js';
import { RelationPurgeProcessor } from '../jobs/relation-purge.js';
import { notificationProcessors } from './notification-jobs.js';
import { notifiedPusher } from './notified-pushes.js';
import { LIVE_PUSH_WINDOW_MS } from '../services/live-throttle.js';
import { Visibility } from '../domain/visibility.js';
import { WorkerPool } from '../jobs/worker-pool.js';
import type { Logger } from '../logger.js';
import type { JobMetrics } from '../metrics.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { Store } from '../ports/store.js';
import { UserPresenter } from '../services/user-presenter.js';
import type { StatusHydrator } from '../services/status-hydrator.js';
import { createReadModel } from './read-model.js';
import { dispatchWrite } from '../adapters/sqlite/write-routing.js';
import { openBlobs, openStores } from './stores.js';

/** Rows a purge job removes per transaction: small, so a purge never holds the write lock for long. */
const PURGE_BATCH = 500;

/** Jobs a worker loop receives at once from the SQLite queue (a batch stays invisible for each job's visibility). */
const SQLITE_JOB_BATCH = 8;

export interface JobDeps {
  store: Store;
  /** Uploads and profile pictures (the media sweep removes unattached uploads; a deletion, the account's picture). */
  blobs: BlobStore;
  /** Where processors queue follow-up jobs that need not commit with a write (feed.trim). */
  queue: Pick<JobQueue, 'enqueue'>;
  hydrator: StatusHydrator;
  realtime: Realtime;
  clock: Clock;
  metrics: JobMetrics;
  /** Decodes direct uploads (media.process); one is made when not given. */
  imagePipeline?: ImagePipeline;
  /** The notify stage's live push window (NotifyPushes); unset: 0, pushed at the end of each batch (Lambda). */
  notifyPushWindowMs?: number;
}

/** Every job processor, wired to its ports: the worker pool, the SQS and the scheduled Lambda handlers use them. */
export function createJobRegistry(config: Config, deps: JobDeps): ProcessorRegistry {
  const { store, blobs, hydrator, realtime, clock, metrics, queue } = deps;
  const maxEntries = config.fanout.feedMaxEntries;
  const visibility = new Visibility({ relations: store.relations });
  const trims = new FeedTrimChecks({ queue, maxEntries, feeds: store.feeds });
  const fanoutDeliver = new FanoutDeliverProcessor({
    deliveries: store.deliveries,
    hydrator,
    realtime,
    clock,
    metrics,
    trims,
    mutes: { visibility, feeds: store.feeds },
    replies: { follows: store.follows, feeds: store.feeds },
    batchSize: config.fanout.batchSize,
    batchPauseMs: config.fanout.batchPauseMs,
  });
  return new ProcessorRegistry([
    new FanoutPlanProcessor({
      follows: store.follows,
      deliveries: store.deliveries,
      deliver: fanoutDeliver,
      pageSize: config.fanout.pageSize,
      clock,
      metrics,
    }),
    fanoutDeliver,
    new FollowBackfillProcessor({
      follows: store.follows,
      statuses: store.statuses,
      feeds: store.feeds,
      users: store.users,
      count: config.fanout.backfillCount,
      trims,
    }),
    new FeedTrimProcessor({ feeds: store.feeds, queue, maxEntries, metrics }),
    new FanoutLiveProcessor({ hydrator, realtime }),
    new UnfollowPurgeProcessor({ follows: store.follows, feeds: store.feeds }),
    new RelationPurgeProcessor({
      relations: store.relations,
      follows: store.follows,
      feeds: store.feeds,
      notifications: store.notifications,
      realtime,
      clock,
      retentionMs: config.notificationRetentionMs,
    }),
    new StatusRetractProcessor({
      follows: store.follows,
      feeds: store.feeds,
      realtime,
      pageSize: config.fanout.pageSize,
    }),
    new RepostRetractProcessor({
      follows: store.follows,
      reposts: store.reposts,
      realtime,
      pageSize: config.fanout.pageSize,
    }),
    new RepostSweepProcessor({ reposts: store.reposts, pageSize: PURGE_BATCH }),
    new ExpirySweepProcessor({
      sessions: store.sessions,
      statuses: store.statuses,
      search: store.search,
      clock,
      batchSize: PURGE_BATCH,
      metrics,
    }),
    new MediaProcessProcessor({ uploads: directUploads(config, deps) }),
    new MediaSweepProcessor({
      media: store.media,
      statuses: store.statuses,
      blobs,
      clock,
      batchSize: PURGE_BATCH,
      metrics,
    }),
    new OutboxResendProcessor({ store, clock }),
    new FollowCountsProcessor({ follows: store.follows }),
    new IndexStatusProcessor({ statuses: store.statuses, search: store.search }),
    new IndexUserProcessor({ users: store.users, people: store.people }),
    new SearchReindexProcessor({
      reindex: store.reindex,
      statuses: store.statuses,
      users: store.users,
      search: store.search,
      people: store.people,
      clock,
      onRows: (kind, rows) => metrics.reindexRows.inc({ kind }, rows),
    }),
    new StatusPurgeProcessor({
      reactions: store.reactions,
      comments: store.comments,
      quotes: store.quotes,
      batchSize: PURGE_BATCH,
    }),
    new CountsReconcileProcessor({
      members: store.members,
      reactions: store.reactions,
      comments: store.comments,
      quotes: store.quotes,
      reposts: store.reposts,
    }),
    new StatusCountedProcessor({ hydrator, realtime }),
    new CardFetchProcessor({
      cards: store.cards,
      source: new GuardedFetcher({
        allowLoopback: config.cards.allowLoopback,
        limits: { totalTimeoutMs: config.cards.totalTimeoutMs },
      }),
      hydrator,
      realtime,
      clock,
      metrics,
    }),
    new AccountDeleteProcessor({
      ...store,
      blobs,
      realtime,
      metrics,
      pageSize: Math.min(MAX_DELETION_PAGE, config.fanout.batchSize),
      pauseMs: config.fanout.batchPauseMs,
      finishPending: (before, limit) => store.resendPending(before, limit),
      now: () => clock.now(),
    }),
    new AccountSweepProcessor({ deletions: store.deletions, clock }),
    ...notificationProcessors(config, {
      store,
      hydrator,
      visibility,
      realtime,
      clock,
      batchSize: PURGE_BATCH,
      pushWindowMs: deps.notifyPushWindowMs ?? 0,
    }),
    new BoardRetentionProcessor({
      boards: store.boards,
      messages: store.messages,
      reactions: store.reactions,
      clock,
      batchSize: PURGE_BATCH,
    }),
  ]);
}

/** The pool that runs `jobs` from `queue`, as the config says. */
export function createWorkerPool(
  config: Config,
  deps: { queue: JobQueue; jobs: ProcessorRegistry; logger: Logger; metrics: JobMetrics },
): WorkerPool {
  const { metrics } = deps;
  return new WorkerPool(deps.queue, deps.jobs, {
    concurrency: config.jobs.concurrency,
    visibilityMs: config.jobs.visibilityMs,
    pollMs: config.jobs.pollMs,
    // Lambda's event source mapping hands SQS messages over in batches of 10; SQLite jobs are taken one at a time.
    batchSize: config.shape.queue === 'sqs' ? 10 : SQLITE_JOB_BATCH,
    logger: deps.logger,
    metrics: { onJob: (name, outcome, seconds) => metrics.jobDuration.observe({ name, outcome }, seconds) },
  });
}

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

/** What media.process needs: the upload steps of the use cases, without their HTTP side. */
function directUploads(config: Config, deps: JobDeps): DirectUploads {
  const { store, blobs, clock } = deps;
  const pipeline = deps.imagePipeline ?? new ImagePipeline();
  const userPresenter = new UserPresenter(config.mediaUrl);
  const mediaService = new MediaService({ media: store.media, blobs, pipeline, userPresenter, clock });
  return new DirectUploads({ blobs, media: store.media, mediaService, pipeline, userPresenter, clock });
}

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
import { FANOUT_PACE, FanoutPlanProcessor } from '../jobs/fanout-plan.js';
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
    new IndexStatusProcessor({
      statuses: store.statuses,
      search: store.search,
      consistentGetMany: config.shape.store === 'sqlite',
    }),
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
    // SQS's receives are not transactions of one writer, nor do its fan-outs share a COMMIT: no pace there.
    ...(config.shape.queue === 'sqs' ? {} : { pace: FANOUT_PACE }),
    logger: deps.logger,
    metrics: { onJob: (name, outcome, seconds) => metrics.jobDuration.observe({ name, outcome }, seconds) },
  });
}

/** What media.process needs: the upload steps of the use cases, without their HTTP side. */
function directUploads(config: Config, deps: JobDeps): DirectUploads {
  const { store, blobs, clock } = deps;
  const pipeline = deps.imagePipeline ?? new ImagePipeline();
  const userPresenter = new UserPresenter(config.mediaUrl);
  const mediaService = new MediaService({ media: store.media, blobs, pipeline, userPresenter, clock });
  return new DirectUploads({ blobs, media: store.media, mediaService, pipeline, userPresenter, clock });
}

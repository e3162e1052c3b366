import type { Config } from './config/config.js';
import { createFsBlobStore } from './adapters/fs/blob-store.js';
import { openDynamoAndSqs, openS3Blobs } from './context-aws.js';
import { openDatabase, type Db } from './adapters/sqlite/database.js';
import { createSqliteJobQueue } from './adapters/sqlite/job-queue.js';
import { ReadySignal } from './adapters/sqlite/jobs-table.js';
import { createSqliteStore } from './adapters/sqlite/store.js';
import { BoardRetentionProcessor } from './jobs/board-retention.js';
import { CountsReconcileProcessor } from './jobs/counts-reconcile.js';
import { FanoutDeliverProcessor } from './jobs/fanout-deliver.js';
import { ExpirySweepProcessor } from './jobs/expiry-sweep.js';
import { FanoutPlanProcessor } from './jobs/fanout-plan.js';
import { FollowCountsProcessor } from './jobs/follow-counts.js';
import { OutboxResendProcessor } from './jobs/outbox-resend.js';
import { FollowBackfillProcessor } from './jobs/follow-backfill.js';
import type { JobProcessor } from './jobs/processor.js';
import { Scheduler } from './jobs/scheduler.js';
import { StatusPurgeProcessor } from './jobs/status-purge.js';
import { StatusRetractProcessor } from './jobs/status-retract.js';
import { UnfollowPurgeProcessor } from './jobs/unfollow-purge.js';
import { WorkerPool } from './jobs/worker-pool.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { BlobStore } from './ports/blob-store.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { JobQueue } from './ports/job-queue.js';
import type { Realtime } from './ports/realtime.js';
import type { Store } from './ports/store.js';
import { createChannelAuthorizer, type ChannelAuthorizer } from './realtime/authorize.js';
import { registerHubMetrics } from './realtime/metrics.js';
import { WsHub } from './realtime/ws-hub.js';
import { BoardService } from './services/boards.js';
import { CommentService } from './services/comments.js';
import { FeedService } from './services/feeds.js';
import { FollowService } from './services/follows.js';
import { LoginThrottle } from './services/login-throttle.js';
import { MessageService } from './services/messages.js';
import { Presenter } from './services/presenter.js';
import { ReactionReader } from './services/reaction-reader.js';
import { ReactionService } from './services/reactions.js';
import { SessionService } from './services/sessions.js';
import { StatusHydrator } from './services/status-hydrator.js';
import { StatusService } from './services/statuses.js';
import { UserService } from './services/users.js';

export interface Services {
  sessions: SessionService;
  users: UserService;
  follows: FollowService;
  statuses: StatusService;
  feeds: FeedService;
  boards: BoardService;
  messages: MessageService;
  reactions: ReactionService;
  comments: CommentService;
}

/** How often the node runtime enqueues `boards.retention` (and once at start). */
const RETENTION_EVERY_MS = 10 * 60_000;
/** How often expired sessions and idempotency keys are swept, and crash-stranded outbox jobs re-sent. */
const EXPIRY_SWEEP_EVERY_MS = 10 * 60_000;
const OUTBOX_RESEND_EVERY_MS = 60_000;
/** Rows a purge job removes per transaction: small, so a purge never holds the write lock for long. */
const PURGE_BATCH = 500;

export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: Store;
  queue: JobQueue;
  blobs: BlobStore;
  realtime: Realtime;
  /** The live-stream connections of this process (the default `realtime`; served by GET /api/v1/stream). */
  hub: WsHub;
  /** Who may subscribe to which live-stream channel. */
  authorizeChannel: ChannelAuthorizer;
  metrics: Metrics;
  services: Services;
  workers: WorkerPool;
  /** Periodic jobs (board retention); the node runtime starts it, tests may call runNow(). */
  scheduler: Scheduler;
  /**
   * Checks that what the config names exists and answers (tables, queues, bucket): throws one message naming the
   * setting to fix. `serve` runs it before listening. Nothing to check for the embedded shape.
   */
  verify(): Promise<void>;
  /** Stops the workers (finishing jobs in flight) and closes the store. */
  close(): Promise<void>;
}

export interface ContextOverrides {
  clock?: Clock;
  logger?: Logger;
  realtime?: Realtime;
  authorizeChannel?: ChannelAuthorizer;
  blobs?: BlobStore;
  /** Store and queue together (they share one transaction boundary on SQLite). */
  storage?: { store: Store; queue: JobQueue; db?: Db };
}

/** Builds every object of the server from its config: the one place that wires ports to adapters. */
export function createContext(config: Config, overrides: ContextOverrides = {}): AppContext {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const aws = {
    storage: overrides.storage || config.shape.store === 'sqlite' ? null : openDynamoAndSqs(config, clock),
    blobs: overrides.blobs || config.shape.blobs === 'fs' ? null : openS3Blobs(config),
  };
  const storage = overrides.storage ?? aws.storage?.value ?? openSqlite(config, clock);
  const { store, queue } = storage;
  const blobs = overrides.blobs ?? aws.blobs?.value ?? createFsBlobStore(`${config.dataDir}/blobs`);
  const hub = new WsHub({
    heartbeatMs: config.stream.heartbeatMs,
    maxBufferedBytes: config.stream.maxBufferedBytes,
  });
  const realtime = overrides.realtime ?? hub;
  const metrics = createMetrics(queue);
  registerHubMetrics(metrics.registry, hub);
  const scrypt = { N: config.scryptCost, r: 8, p: 1 };

  const presenter = new Presenter(config.publicUrl);
  const reactionReader = new ReactionReader(store.reactions);
  const hydrator = new StatusHydrator({
    statuses: store.statuses,
    users: store.users,
    presenter,
    reactions: reactionReader,
    comments: store.comments,
  });
  const throttle = new LoginThrottle(clock, config.login.maxFailures, config.login.windowMs);
  const sessions = new SessionService({
    users: store.users,
    sessions: store.sessions,
    throttle,
    presenter,
    clock,
    tokenTtlMs: config.tokenTtlMs,
    scrypt,
    onSignOut: (tokenHash) => hub.closeSession(tokenHash),
  });
  const users = new UserService({
    users: store.users,
    follows: store.follows,
    blobs,
    sessions,
    hydrator,
    presenter,
    clock,
    scrypt,
  });
  const services: Services = {
    sessions,
    users,
    follows: new FollowService({ users: store.users, follows: store.follows, profiles: users, presenter, clock }),
    statuses: new StatusService({
      users: store.users,
      statuses: store.statuses,
      deliveries: store.deliveries,
      hydrator,
      clock,
    }),
    feeds: new FeedService({ feeds: store.feeds, hydrator }),
    ...socialServices(store, { presenter, realtime, clock, reactionReader }),
  };

  const processors: JobProcessor[] = [
    new FanoutPlanProcessor({
      follows: store.follows,
      deliveries: store.deliveries,
      pageSize: config.fanout.pageSize,
      metrics,
    }),
    new FanoutDeliverProcessor({
      follows: store.follows,
      deliveries: store.deliveries,
      hydrator,
      realtime,
      clock,
      metrics,
      batchSize: config.fanout.batchSize,
      batchPauseMs: config.fanout.batchPauseMs,
    }),
    new FollowBackfillProcessor({
      follows: store.follows,
      statuses: store.statuses,
      feeds: store.feeds,
      count: config.fanout.backfillCount,
    }),
    new UnfollowPurgeProcessor({ follows: store.follows, feeds: store.feeds }),
    new StatusRetractProcessor({
      follows: store.follows,
      feeds: store.feeds,
      realtime,
      pageSize: config.fanout.pageSize,
    }),
    new ExpirySweepProcessor({
      sessions: store.sessions,
      statuses: store.statuses,
      clock,
      batchSize: PURGE_BATCH,
      metrics,
    }),
    new OutboxResendProcessor({ store, clock }),
    new FollowCountsProcessor({ follows: store.follows }),
    new StatusPurgeProcessor({ reactions: store.reactions, comments: store.comments, batchSize: PURGE_BATCH }),
    new CountsReconcileProcessor({ members: store.members, reactions: store.reactions, comments: store.comments }),
    new BoardRetentionProcessor({
      boards: store.boards,
      messages: store.messages,
      reactions: store.reactions,
      clock,
      batchSize: PURGE_BATCH,
    }),
  ];
  const workers = new WorkerPool(queue, processors, {
    concurrency: config.jobs.concurrency,
    visibilityMs: config.jobs.visibilityMs,
    pollMs: config.jobs.pollMs,
    // Lambda's event source mapping hands SQS messages over in batches of 10; SQLite jobs are taken one at a time.
    batchSize: config.shape.queue === 'sqs' ? 10 : 1,
    logger,
    metrics: { onJob: (name, outcome, seconds) => metrics.jobDuration.observe({ name, outcome }, seconds) },
  });
  const scheduler = new Scheduler(
    queue,
    [
      { job: { name: 'boards.retention', payload: {} }, everyMs: RETENTION_EVERY_MS },
      { job: { name: 'expiry.sweep', payload: {} }, everyMs: EXPIRY_SWEEP_EVERY_MS },
      { job: { name: 'outbox.resend', payload: {} }, everyMs: OUTBOX_RESEND_EVERY_MS },
    ],
    logger,
  );

  return {
    config,
    logger,
    clock,
    store,
    queue,
    blobs,
    realtime,
    hub,
    authorizeChannel: overrides.authorizeChannel ?? createChannelAuthorizer(services),
    metrics,
    services,
    workers,
    scheduler,
    async verify() {
      await aws.storage?.verify();
      await aws.blobs?.verify();
    },
    async close() {
      scheduler.stop();
      await workers.stop();
      hub.stop();
      await store.close();
      aws.storage?.close();
      aws.blobs?.close();
    },
  };
}

/** Boards, their messages, reactions and comments. */
function socialServices(
  store: Store,
  shared: { presenter: Presenter; realtime: Realtime; clock: Clock; reactionReader: ReactionReader },
): Pick<Services, 'boards' | 'messages' | 'reactions' | 'comments'> {
  const { presenter, realtime, clock } = shared;
  const boards = new BoardService({
    boards: store.boards,
    members: store.members,
    audit: store.audit,
    users: store.users,
    presenter,
    clock,
    realtime,
  });
  const messages = new MessageService({
    boards,
    messages: store.messages,
    users: store.users,
    reactions: shared.reactionReader,
    presenter,
    realtime,
    clock,
  });
  return {
    boards,
    messages,
    reactions: new ReactionService({ reactions: store.reactions, statuses: store.statuses, messages, realtime, clock }),
    comments: new CommentService({
      comments: store.comments,
      statuses: store.statuses,
      users: store.users,
      presenter,
      clock,
    }),
  };
}

/** Store and queue in whichever shape the config names, outside a context (seeding, fault-injecting tests). */
export function openStorage(
  config: Config,
  clock: Clock,
): { store: Store; queue: JobQueue; db?: Db; verify(): Promise<void>; close(): Promise<void> } {
  if (config.shape.store === 'sqlite') {
    const sqlite = openSqlite(config, clock);
    return { ...sqlite, verify: async () => undefined, close: () => sqlite.store.close() };
  }
  const aws = openDynamoAndSqs(config, clock);
  return {
    ...aws.value,
    verify: () => aws.verify(),
    async close() {
      await aws.value.store.close();
      aws.close();
    },
  };
}

/** The job queue alone (for `tweeter dlq`), in whichever shape the config names; verify() checks it is reachable. */
export function openJobQueue(
  config: Config,
  clock: Clock,
): { queue: JobQueue; verify(): Promise<void>; close(): Promise<void> } {
  if (config.shape.queue === 'sqlite') {
    const { queue, db } = openSqlite(config, clock);
    return {
      queue,
      verify: async () => undefined,
      close: async () => {
        db.close();
      },
    };
  }
  const aws = openDynamoAndSqs(config, clock);
  return {
    queue: aws.value.queue,
    verify: () => aws.verify(),
    async close() {
      await aws.value.store.close();
      aws.close();
    },
  };
}

/** The embedded shape: store and queue in one SQLite file under DATA_DIR. */
export function openSqlite(config: Config, clock: Clock): { store: Store; queue: JobQueue; db: Db } {
  const db = openDatabase(config.databaseFile);
  const signal = new ReadySignal();
  const store = createSqliteStore(db, { clock, signal });
  const queue = createSqliteJobQueue(db, {
    clock,
    signal,
    retry: {
      maxAttempts: config.jobs.maxAttempts,
      backoffBaseMs: config.jobs.backoffBaseMs,
      maxBackoffMs: config.jobs.backoffMaxMs,
    },
  });
  return { store, queue, db };
}

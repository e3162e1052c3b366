import type { Config } from './config/config.js';
import type { Db } from './adapters/sqlite/database.js';
import { BoardRetentionProcessor } from './jobs/board-retention.js';
import { CountsReconcileProcessor } from './jobs/counts-reconcile.js';
import { FanoutDeliverProcessor } from './jobs/fanout-deliver.js';
import { ExpirySweepProcessor } from './jobs/expiry-sweep.js';
import { FanoutPlanProcessor } from './jobs/fanout-plan.js';
import { FollowCountsProcessor } from './jobs/follow-counts.js';
import { OutboxResendProcessor } from './jobs/outbox-resend.js';
import { FollowBackfillProcessor } from './jobs/follow-backfill.js';
import type { JobProcessor } from './jobs/processor.js';
import { ProcessorRegistry } from './jobs/processor-registry.js';
import { SCHEDULED_JOBS } from './jobs/scheduled-jobs.js';
import { Scheduler } from './jobs/scheduler.js';
import { StatusPurgeProcessor } from './jobs/status-purge.js';
import { StatusRetractProcessor } from './jobs/status-retract.js';
import { UnfollowPurgeProcessor } from './jobs/unfollow-purge.js';
import { WorkerPool } from './jobs/worker-pool.js';
import type { ScryptParams } from './domain/passwords.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { BlobStore } from './ports/blob-store.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { JobQueue } from './ports/job-queue.js';
import type { LiveConnections } from './ports/live-connections.js';
import type { Realtime } from './ports/realtime.js';
import type { Store } from './ports/store.js';
import { createChannelAuthorizer, type ChannelAuthorizer } from './realtime/authorize.js';
import { GatewaySession } from './realtime/gateway-session.js';
import { registerHubMetrics } from './realtime/metrics.js';
import { WsHub } from './realtime/ws-hub.js';
import { BoardService } from './services/boards.js';
import { CommentService } from './services/comments.js';
import { FeedService } from './services/feeds.js';
import { FollowService } from './services/follows.js';
import { LoginThrottle } from './services/login-throttle.js';
import { MessageService } from './services/messages.js';
import { PasswordHasher } from './services/password-hasher.js';
import { Presenter } from './services/presenter.js';
import { ReactionReader } from './services/reaction-reader.js';
import { RateLimiter, MemoryCounterStore } from './services/rate-limits.js';
import { ReactionService } from './services/reactions.js';
import { SessionService } from './services/sessions.js';
import { StatusHydrator } from './services/status-hydrator.js';
import { StatusService } from './services/statuses.js';
import { UserService } from './services/users.js';
import { given, openBlobs, openStorage } from './storage.js';
import { WriteLimits } from './services/write-limits.js';

/** Jobs a worker loop receives at once from the SQLite queue (a batch stays invisible for each job's visibility). */
const SQLITE_JOB_BATCH = 8;

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
  /** Which processor runs which job: the worker pool, the SQS and the scheduled Lambda handlers all use it. */
  jobs: ProcessorRegistry;
  workers: WorkerPool;
  /**
   * The live-stream protocol for an external WebSocket gateway (API Gateway: TWEETER_REALTIME=apigw);
   * null when this process serves the stream itself.
   */
  gateway: GatewaySession | null;
  /** Periodic jobs (SCHEDULED_JOBS); the node runtime starts it, tests may call runNow(). */
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
  /** The bounded password hasher (tests hold its slots to see the server answer 503). */
  passwordHasher?: PasswordHasher;
  /** Store and queue together (they share one transaction boundary on SQLite). */
  storage?: { store: Store; queue: JobQueue; db?: Db };
}

/**
 * Builds every object of the server from its config: the one place that wires ports to adapters. Adapters
 * are loaded on demand, so a shape loads only its own (the Lambda bundles never load SQLite).
 */
export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const opened = overrides.storage ? given(overrides.storage) : await openStorage(config, clock);
  const openedBlobs = overrides.blobs ? given(overrides.blobs) : await openBlobs(config);
  const storage = opened.value;
  const { store, queue } = storage;
  const blobs = openedBlobs.value;
  const hub = new WsHub({
    heartbeatMs: config.stream.heartbeatMs,
    maxBufferedBytes: config.stream.maxBufferedBytes,
  });
  const stream = await openGatewayStream(config, overrides, { clock, logger });
  const realtime = overrides.realtime ?? stream?.realtime ?? hub;
  const metrics = createMetrics(queue);
  registerHubMetrics(metrics.registry, hub);
  const scrypt = { N: config.scryptCost, r: 8, p: 1 };
  const limits = abuseLimits(config, clock, scrypt, overrides.passwordHasher);

  const presenter = new Presenter(config.publicUrl);
  const reactionReader = new ReactionReader(store.reactions);
  const hydrator = new StatusHydrator({
    statuses: store.statuses,
    users: store.users,
    presenter,
    reactions: reactionReader,
    comments: store.comments,
    clock,
    statusCacheTtlMs: config.statusCacheTtlMs,
  });
  const sessions = new SessionService({
    users: store.users,
    sessions: store.sessions,
    throttle: limits.login,
    hasher: limits.hasher,
    presenter,
    clock,
    tokenTtlMs: config.tokenTtlMs,
    scrypt,
    onSignOut: (tokenHash) => {
      hub.closeSession(tokenHash);
      stream?.realtime.closeSession(tokenHash);
    },
  });
  const users = new UserService({
    users: store.users,
    follows: store.follows,
    blobs,
    sessions,
    hydrator,
    presenter,
    clock,
    hasher: limits.hasher,
    registrations: limits.registrations,
  });
  const services: Services = {
    sessions,
    users,
    follows: new FollowService({
      users: store.users,
      follows: store.follows,
      profiles: users,
      presenter,
      clock,
      writeLimits: limits.writes,
    }),
    statuses: new StatusService({
      users: store.users,
      statuses: store.statuses,
      deliveries: store.deliveries,
      hydrator,
      clock,
      writeLimits: limits.writes,
    }),
    feeds: new FeedService({ feeds: store.feeds, hydrator }),
    ...socialServices(store, { presenter, realtime, clock, reactionReader, writeLimits: limits.writes }),
  };

  const fanoutDeliver = new FanoutDeliverProcessor({
    deliveries: store.deliveries,
    hydrator,
    realtime,
    clock,
    metrics,
    batchSize: config.fanout.batchSize,
    batchPauseMs: config.fanout.batchPauseMs,
  });
  const processors: JobProcessor[] = [
    new FanoutPlanProcessor({
      follows: store.follows,
      deliveries: store.deliveries,
      deliver: fanoutDeliver,
      pageSize: config.fanout.pageSize,
      metrics,
    }),
    fanoutDeliver,
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
  const jobs = new ProcessorRegistry(processors);
  const workers = new WorkerPool(queue, jobs, {
    concurrency: config.jobs.concurrency,
    visibilityMs: config.jobs.visibilityMs,
    pollMs: config.jobs.pollMs,
    // Lambda's event source mapping hands SQS messages over in batches of 10. SQLite jobs are taken 8 at a time:
    // one receive transaction for several small fan-outs, run back to back within a few ms (the pool's slice).
    batchSize: config.shape.queue === 'sqs' ? 10 : SQLITE_JOB_BATCH,
    logger,
    metrics: { onJob: (name, outcome, seconds) => metrics.jobDuration.observe({ name, outcome }, seconds) },
  });
  const scheduler = new Scheduler(queue, SCHEDULED_JOBS, logger);
  const authorizeChannel = overrides.authorizeChannel ?? createChannelAuthorizer(services);
  const gateway =
    stream &&
    new GatewaySession({
      connections: stream.connections,
      authenticate: (token) => sessions.authenticate(token),
      authorizeChannel,
      limits: config.stream,
      clock,
      logger,
    });

  return {
    config,
    logger,
    clock,
    store,
    queue,
    blobs,
    realtime,
    hub,
    authorizeChannel,
    metrics,
    services,
    jobs,
    workers,
    gateway,
    scheduler,
    async verify() {
      await opened.verify();
      await openedBlobs.verify();
    },
    async close() {
      scheduler.stop();
      await workers.stop();
      hub.stop();
      await realtime.flush();
      await store.close();
      opened.close();
      openedBlobs.close();
    },
  };
}

/** Boards, their messages, reactions and comments. */
function socialServices(
  store: Store,
  shared: {
    presenter: Presenter;
    realtime: Realtime;
    clock: Clock;
    reactionReader: ReactionReader;
    writeLimits: WriteLimits;
  },
): Pick<Services, 'boards' | 'messages' | 'reactions' | 'comments'> {
  const { presenter, realtime, clock, writeLimits } = shared;
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
    writeLimits,
  });
  return {
    boards,
    messages,
    reactions: new ReactionService({
      reactions: store.reactions,
      statuses: store.statuses,
      messages,
      realtime,
      clock,
      writeLimits,
    }),
    comments: new CommentService({
      comments: store.comments,
      statuses: store.statuses,
      users: store.users,
      presenter,
      clock,
      writeLimits,
    }),
  };
}

/** With TWEETER_REALTIME=apigw (and no realtime override): API Gateway's connections, kept in DynamoDB. */
async function openGatewayStream(
  config: Config,
  overrides: ContextOverrides,
  deps: { clock: Clock; logger: Logger },
): Promise<{ realtime: Realtime & { closeSession(tokenHash: string): void }; connections: LiveConnections } | null> {
  if (config.realtime.kind !== 'apigw' || overrides.realtime) return null;
  const { createApiGatewayStream } = await import('./adapters/apigw/realtime.js');
  return createApiGatewayStream(config.realtime, deps);
}

/** Login throttle, password-hash bound, sign-up limit and per-user write budgets, sharing one counter store. */
function abuseLimits(config: Config, clock: Clock, scrypt: ScryptParams, hasher?: PasswordHasher) {
  const counters = new MemoryCounterStore();
  const limiter = new RateLimiter(clock, counters);
  return {
    login: new LoginThrottle(clock, config.login, counters),
    hasher: hasher ?? new PasswordHasher(scrypt, config.passwordHashing),
    registrations: {
      limiter,
      budget: { limit: config.registration.maxPerAddress, windowMs: config.registration.windowMs },
    },
    writes: new WriteLimits(config.writeRateLimits > 0 ? limiter : null, config.writeRateLimits),
  };
}

import type { Config } from './config/config.js';
import type { Db } from './adapters/sqlite/database.js';
import type { ProcessorRegistry } from './jobs/processor-registry.js';
import { workersOnThisThread, type JobWorkers } from './jobs/job-workers.js';
import { SCHEDULED_JOBS } from './jobs/scheduled-jobs.js';
import { Scheduler } from './jobs/scheduler.js';
import { createJobRegistry, createReadModel, createWorkerPool } from './context-jobs.js';
import type { ScryptParams } from './domain/passwords.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { BlobStore } from './ports/blob-store.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { JobQueue } from './ports/job-queue.js';
import { ApiGatewayStreamRoutes } from './adapters/apigw/stream-routes.js';
import { registerWsStreamMetrics } from './adapters/ws/metrics.js';
import { WsStreamServer } from './adapters/ws/ws-stream-server.js';
import type { GatewayConnections } from './ports/gateway-connections.js';
import type { Realtime } from './ports/realtime.js';
import type { FollowRepo, Store } from './ports/store.js';
import { createChannelAuthorizer, type ChannelAuthorizer } from './stream/authorize.js';
import { StreamProtocol } from './stream/protocol.js';
import { BoardService } from './services/boards.js';
import { CommentService } from './services/comments.js';
import { FeedService } from './services/feeds.js';
import { FollowService } from './services/follows.js';
import { LoginThrottle } from './services/login-throttle.js';
import { MessageService } from './services/messages.js';
import { PasswordHasher } from './services/password-hasher.js';
import type { Presenter } from './services/presenter.js';
import type { ReactionReader } from './services/reaction-reader.js';
import { RateLimiter, MemoryCounterStore } from './services/rate-limits.js';
import { ReactionService } from './services/reactions.js';
import { SessionService } from './services/sessions.js';
import { StatusService } from './services/statuses.js';
import { UserService } from './services/users.js';
import { given, openBlobs, openStorage } from './storage.js';
import { WriteLimits } from './services/write-limits.js';

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

export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: Store;
  queue: JobQueue;
  blobs: BlobStore;
  realtime: Realtime;
  /** The `ws` transport: this process's stream connections (the default `realtime`; GET /api/v1/stream). */
  hub: WsStreamServer;
  /** Who may subscribe to which live-stream channel. */
  authorizeChannel: ChannelAuthorizer;
  metrics: Metrics;
  services: Services;
  /** Which processor runs which job: the worker pool, the SQS and the scheduled Lambda handlers all use it. */
  jobs: ProcessorRegistry;
  /** The job workers: on this thread, or in JOB_THREADS worker threads of their own (the embedded default). */
  workers: JobWorkers;
  /**
   * The WebSocket API's routes over the stream protocol (API Gateway: TWEETER_REALTIME=apigw); null when this
   * process serves the stream itself.
   */
  gateway: ApiGatewayStreamRoutes | null;
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
  const hub = new WsStreamServer({
    heartbeatMs: config.stream.heartbeatMs,
    maxBufferedBytes: config.stream.maxBufferedBytes,
    follows: store.follows,
    onError: (err) => logger.warn({ err }, 'live push to connected followers failed'),
  });
  const stream = await openApiGatewayTransport(config, overrides, { clock, logger, follows: store.follows });
  const realtime = overrides.realtime ?? stream?.realtime ?? hub;
  const metrics = createMetrics(queue);
  registerWsStreamMetrics(metrics.registry, hub);
  const scrypt = { N: config.scryptCost, r: 8, p: 1 };
  const limits = abuseLimits(config, clock, scrypt, overrides.passwordHasher);

  const { presenter, reactionReader, hydrator } = createReadModel(config, store, clock);
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
      pullThreshold: config.fanout.pullThreshold,
    }),
    feeds: new FeedService({
      feeds: store.feeds,
      follows: store.follows,
      statuses: store.statuses,
      users: store.users,
      hydrator,
      pullMax: config.fanout.pullMax,
    }),
    ...socialServices(store, { presenter, realtime, clock, reactionReader, writeLimits: limits.writes }),
  };

  const jobs = createJobRegistry(config, { store, hydrator, realtime, clock, metrics });
  const workers = await jobWorkers(config, { queue, jobs, realtime, metrics, logger, clock: overrides.clock });
  const scheduler = new Scheduler(queue, SCHEDULED_JOBS, logger);
  const authorizeChannel = overrides.authorizeChannel ?? createChannelAuthorizer(services);
  const gateway =
    stream &&
    new ApiGatewayStreamRoutes({
      connections: stream.connections,
      protocol: new StreamProtocol({
        authenticate: (token) => sessions.authenticate(token),
        sessionState: (tokenHash) => sessions.state(tokenHash),
        authorizeChannel,
        limits: config.stream,
        clock,
        logger,
      }),
      clock,
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

/**
 * The job workers: in JOB_THREADS worker threads (each opening the database itself), else a pool on this thread.
 * The thread module is loaded only when threads are asked for.
 */
async function jobWorkers(
  config: Config,
  deps: {
    queue: JobQueue;
    jobs: ProcessorRegistry;
    realtime: Realtime;
    metrics: Metrics;
    logger: Logger;
    clock: Clock | undefined;
  },
): Promise<JobWorkers> {
  if (config.jobs.threads === 0 || config.jobs.concurrency === 0) {
    return workersOnThisThread(createWorkerPool(config, deps));
  }
  // A clock given here (a test's manual clock) cannot be handed to another thread: the threads read the system's.
  if (deps.clock && deps.clock !== systemClock) {
    throw new Error('JOB_THREADS must be 0 with an injected clock: job threads keep the system clock');
  }
  const { JobThreads } = await import('./runtimes/thread/job-threads.js');
  return new JobThreads(config, deps);
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
async function openApiGatewayTransport(
  config: Config,
  overrides: ContextOverrides,
  deps: { clock: Clock; logger: Logger; follows: Pick<FollowRepo, 'existing'> },
): Promise<{ realtime: Realtime & { closeSession(tokenHash: string): void }; connections: GatewayConnections } | null> {
  if (config.realtime.kind !== 'apigw' || overrides.realtime) return null;
  const { createApiGatewayTransport } = await import('./adapters/apigw/realtime.js');
  return createApiGatewayTransport(config.realtime, deps);
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

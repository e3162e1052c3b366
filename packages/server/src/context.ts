import type { Config } from './config/config.js';
import { createFsBlobStore } from './adapters/fs/blob-store.js';
import { openDatabase, type Db } from './adapters/sqlite/database.js';
import { createSqliteJobQueue } from './adapters/sqlite/job-queue.js';
import { ReadySignal } from './adapters/sqlite/jobs-table.js';
import { createSqliteStore } from './adapters/sqlite/store.js';
import { FanoutDeliverProcessor } from './jobs/fanout-deliver.js';
import { FanoutPlanProcessor } from './jobs/fanout-plan.js';
import { FollowBackfillProcessor } from './jobs/follow-backfill.js';
import type { JobProcessor } from './jobs/processor.js';
import { StatusRetractProcessor } from './jobs/status-retract.js';
import { UnfollowPurgeProcessor } from './jobs/unfollow-purge.js';
import { WorkerPool } from './jobs/worker-pool.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { BlobStore } from './ports/blob-store.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { JobQueue } from './ports/job-queue.js';
import { noRealtime, type Realtime } from './ports/realtime.js';
import type { Store } from './ports/store.js';
import { FeedService } from './services/feeds.js';
import { FollowService } from './services/follows.js';
import { LoginThrottle } from './services/login-throttle.js';
import { Presenter } from './services/presenter.js';
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
}

export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: Store;
  queue: JobQueue;
  blobs: BlobStore;
  realtime: Realtime;
  metrics: Metrics;
  services: Services;
  workers: WorkerPool;
  /** Stops the workers (finishing jobs in flight) and closes the store. */
  close(): Promise<void>;
}

export interface ContextOverrides {
  clock?: Clock;
  logger?: Logger;
  realtime?: Realtime;
  blobs?: BlobStore;
  /** Store and queue together (they share one transaction boundary on SQLite). */
  storage?: { store: Store; queue: JobQueue; db?: Db };
}

/** Builds every object of the server from its config: the one place that wires ports to adapters. */
export function createContext(config: Config, overrides: ContextOverrides = {}): AppContext {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const storage = overrides.storage ?? openSqlite(config, clock);
  const { store, queue } = storage;
  const blobs = overrides.blobs ?? createFsBlobStore(`${config.dataDir}/blobs`);
  const realtime = overrides.realtime ?? noRealtime;
  const metrics = createMetrics(queue);
  const scrypt = { N: config.scryptCost, r: 8, p: 1 };

  const presenter = new Presenter(config.publicUrl);
  const hydrator = new StatusHydrator({ statuses: store.statuses, users: store.users, presenter });
  const throttle = new LoginThrottle(clock, config.login.maxFailures, config.login.windowMs);
  const sessions = new SessionService({
    users: store.users,
    sessions: store.sessions,
    throttle,
    presenter,
    clock,
    tokenTtlMs: config.tokenTtlMs,
    scrypt,
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
  };

  const processors: JobProcessor[] = [
    new FanoutPlanProcessor({
      follows: store.follows,
      deliveries: store.deliveries,
      pageSize: config.fanout.pageSize,
      metrics,
    }),
    new FanoutDeliverProcessor({
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
  ];
  const workers = new WorkerPool(queue, processors, {
    concurrency: config.jobs.concurrency,
    visibilityMs: config.jobs.visibilityMs,
    pollMs: config.jobs.pollMs,
    batchSize: 1,
    logger,
    metrics: { onJob: (name, outcome, seconds) => metrics.jobDuration.observe({ name, outcome }, seconds) },
  });

  return {
    config,
    logger,
    clock,
    store,
    queue,
    blobs,
    realtime,
    metrics,
    services,
    workers,
    async close() {
      await workers.stop();
      await store.close();
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

// The node runtime's parts (`tweeter serve`, start:aws-local, the tests' app): the use cases, the `ws` server with its
// connection sweep, the job workers (on this thread or in job threads), the scheduler, and, with TWEETER_REALTIME=apigw,
// the protocol for the local WebSocket gateway's routes.

import type { Config } from '../config/config.js';
import type { HttpParts } from '../http/app.js';
import { workersOnThisThread, type JobWorkers } from '../jobs/job-workers.js';
import { LIVE_PUSH_WINDOW_MS } from '../services/live-throttle.js';
import type { ProcessorRegistry } from '../jobs/processor-registry.js';
import { SCHEDULED_JOBS } from '../jobs/scheduled-jobs.js';
import { Scheduler } from '../jobs/scheduler.js';
import { createLogger, type Logger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics.js';
import type { BlobStore } from '../ports/blob-store.js';
import { DEFAULT_IMAGE_PIPELINE, ImagePipeline } from '../services/image-pipeline.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import { Presence } from '../adapters/ws/presence.js';
import type { RemoteWrites } from '../adapters/sqlite/remote-writes.js';
import type { ApiGatewayStreamRoutes } from '../adapters/apigw/stream-routes.js';
import type { ConnectionSweep } from '../adapters/ws/connection-sweep.js';
import type { WsStreamServer } from '../adapters/ws/ws-stream-server.js';
import type { PasswordHasher } from '../services/password-hasher.js';
import { createChannelAuthorizer, type ChannelAuthorizer } from '../stream/authorize.js';
import type { StreamProtocol } from '../stream/protocol.js';
import { ImageChild } from '../runtimes/child/image-child.js';
import { registerImageMetrics } from './image-metrics.js';
import { registerSearchMetrics } from './search-metrics.js';
import { createJobRegistry, createWorkerPool } from './jobs.js';
import {
  createApiGatewayStreamRoutes,
  createConnectionSweep,
  createStreamProtocol,
  createWsStreamServer,
  openApiGatewayTransport,
} from './live-push.js';
import { liveAudience } from '../stream/live-audience.js';
import { createServices } from './services.js';
import { given, openBlobs, openStores, type StoreAndQueue } from './stores.js';

export interface NodeRuntime extends HttpParts {
  blobs: BlobStore;
  /** Where live events go: the `ws` transport, or API Gateway's connections with TWEETER_REALTIME=apigw. */
  realtime: Realtime;
  /** The `ws` transport: this process's stream connections (served by GET /api/v1/stream). */
  hub: WsStreamServer;
  /** The one stream protocol both transports drive. */
  protocol: StreamProtocol;
  /** Closes the `ws` connections whose login ended; start() starts it. */
  connectionSweep: ConnectionSweep;
  /** The WebSocket API's routes for an external gateway (TWEETER_REALTIME=apigw); null otherwise. */
  gateway: ApiGatewayStreamRoutes | null;
  /** Which processor runs which job. */
  jobs: ProcessorRegistry;
  /** The job workers: on this thread, or in JOB_THREADS worker threads of their own (the embedded default). */
  workers: JobWorkers;
  /** Periodic jobs (SCHEDULED_JOBS); start() starts it, tests may call runNow(). */
  scheduler: Scheduler;
  /**
   * Checks that what the config names exists and answers (tables, queues, bucket): throws one message naming the
   * setting to fix. `serve` runs it before listening. Nothing to check for the embedded shape.
   */
  verify(): Promise<void>;
  /** How many job leases of an earlier process were released as the stores opened (releaseEarlierLeases). */
  releasedLeases: number;
  /** Starts the job workers, the scheduler and the login sweep. */
  start(): void;
  /** Stops the workers (finishing jobs in flight) and closes the store. */
  close(): Promise<void>;
}

/** What tests put in place of the parts the config would build. */
export interface NodeOverrides {
  clock?: Clock;
  logger?: Logger;
  realtime?: Realtime;
  authorizeChannel?: ChannelAuthorizer;
  blobs?: BlobStore;
  /** The bounded password hasher (tests hold its slots to see the server answer 503). */
  passwordHasher?: PasswordHasher;
  /** The bounded image decoder (tests give one with a short time limit or a held slot). */
  imagePipeline?: ImagePipeline;
  /** Store and queue together (they share one transaction boundary on SQLite). */
  stores?: StoreAndQueue;
}

export interface NodeRuntimeOptions {
  /** SQLite: checkpoint the WAL from a thread of its own this often (the server), not inside commits. */
  checkpointEveryMs?: number;
  /** SQLite: release every job lease an earlier process left in the file (the server, holding the DATA_DIR lock). */
  releaseEarlierLeases?: boolean;
}

/** Builds the node runtime from its config (overrides for tests). Adapters are loaded on demand. */
export async function createNodeRuntime(
  config: Config,
  overrides: NodeOverrides = {},
  options: NodeRuntimeOptions = {},
): Promise<NodeRuntime> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const checkpoints = options.checkpointEveryMs;
  const opened = overrides.stores
    ? { ...given(overrides.stores), writeBatch: null, populationWriter: null, releasedLeases: 0, remoteWrites: null }
    : await openStores(config, clock, {
        releaseEarlierLeases: options.releaseEarlierLeases ?? false,
        // With a job thread, that thread owns the file's one writer: this one reads and sends it its writes.
        writes: threadLayout(config) ? 'elsewhere' : 'here',
        warnUnpatched: (message) => logger.warn(message),
        ...(checkpoints === undefined
          ? {}
          : {
              backgroundCheckpoints: {
                everyMs: checkpoints,
                nice: config.backgroundNice,
                onError: (message) => logger.error({ err: message }, 'background WAL checkpoint failed'),
              },
            }),
      });
  const openedBlobs = overrides.blobs ? given(overrides.blobs) : await openBlobs(config);
  const { store, queue } = opened.value;
  const blobs = openedBlobs.value;
  const metrics = createMetrics(queue);
  if (opened.remoteWrites)
    opened.remoteWrites.onAnswered = (seconds, held) => {
      metrics.writeRoundTrip.observe(seconds);
      if (held !== undefined) metrics.writeHop.observe(Math.max(0, seconds - held));
    };
  // Who is connected to the hub, for the job threads to skip building pushes nobody would get (adapters/ws/presence.ts).
  const presence = new Presence();
  const hub = createWsStreamServer(config, { follows: liveAudience(store), logger, metrics, presence });
  const apigw = overrides.realtime
    ? null
    : await openApiGatewayTransport(config, { clock, logger, follows: liveAudience(store) });
  const realtime = overrides.realtime ?? apigw?.realtime ?? hub;
  // Uploads decode in a child process, one at a time and niced as a whole: their pixels, garbage and every thread
  // that works on them stay off the server, below its readers. (The child starts on the first upload; a test's own
  // pipeline never starts it.)
  const imageChild = new ImageChild({ nice: config.imageNice });
  const imagePipeline =
    overrides.imagePipeline ??
    new ImagePipeline({ ...DEFAULT_IMAGE_PIPELINE, concurrency: 1, decoder: imageChild.decode });
  registerImageMetrics(metrics.registry, imagePipeline, imageChild);
  const { services, hydrator } = createServices({
    config,
    clock,
    store,
    blobs,
    queue,
    realtime,
    livePushWindowMs: LIVE_PUSH_WINDOW_MS,
    onSignOut: (tokenHash) => {
      hub.closeSession(tokenHash);
      apigw?.realtime.closeSession(tokenHash);
    },
    onAccountGone: (alias) => {
      hub.closeUser(alias);
      apigw?.realtime.closeUser(alias);
    },
    ...(overrides.passwordHasher ? { passwordHasher: overrides.passwordHasher } : {}),
    imagePipeline,
  });
  registerSearchMetrics(metrics.registry, services.statusSearch);
  const jobs = createJobRegistry(config, {
    store,
    blobs,
    queue,
    hydrator,
    realtime,
    clock,
    metrics,
    notifyPushWindowMs: LIVE_PUSH_WINDOW_MS,
  });
  const workers = await jobWorkers(config, {
    queue,
    jobs,
    realtime,
    metrics,
    logger,
    clock: overrides.clock,
    writes: opened.remoteWrites,
    automaticCheckpoints: checkpoints === undefined,
    ...(realtime === hub && { presence }),
  });
  const scheduler = new Scheduler(queue, SCHEDULED_JOBS, logger);
  const authorizeChannel = overrides.authorizeChannel ?? createChannelAuthorizer(services);
  const sessionState = (tokenHash: string) => services.sessions.state(tokenHash);
  const protocol = createStreamProtocol(config, {
    authenticate: (token) => services.sessions.authenticate(token),
    sessionState,
    authorizeChannel,
    clock,
    logger,
  });
  const gateway = apigw && createApiGatewayStreamRoutes(apigw, { protocol, clock });
  const connectionSweep = createConnectionSweep(config, { server: hub, protocol, sessionState, logger });

  return {
    config,
    logger,
    clock,
    store,
    queue,
    blobs,
    realtime,
    hub,
    protocol,
    connectionSweep,
    releasedLeases: opened.releasedLeases,
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
    start() {
      workers.start();
      scheduler.start();
      connectionSweep.start();
    },
    async close() {
      connectionSweep.stop();
      scheduler.stop();
      await workers.stop();
      hub.stop();
      await imageChild.close();
      await realtime.flush();
      await opened.close();
      await store.close();
      await openedBlobs.close();
    },
  };
}

/** Whether the job workers run in a job thread (which then owns the SQLite file's writer). */
function threadLayout(config: Config): boolean {
  return config.jobs.threads > 0 && config.jobs.concurrency > 0;
}

/**
 * The job workers: in a job thread (JOB_THREADS=1, owning the file's writer; started here so that this thread's
 * writes have somewhere to go before the pool starts), else a pool on this thread. The thread module is loaded only
 * when threads are asked for.
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
    writes: RemoteWrites | null;
    automaticCheckpoints: boolean;
    /** The hub's connected users, when it is where live pushes go (the job threads read it). */
    presence?: Presence;
  },
): Promise<JobWorkers> {
  if (!threadLayout(config)) {
    return workersOnThisThread(createWorkerPool(config, deps));
  }
  // A clock given here (a test's manual clock) cannot be handed to another thread: the threads read the system's.
  if (deps.clock && deps.clock !== systemClock) {
    throw new Error('JOB_THREADS must be 0 with an injected clock: job threads keep the system clock');
  }
  const { JobThreads } = await import('../runtimes/thread/job-threads.js');
  const threads = new JobThreads(config, deps);
  threads.open();
  return threads;
}

import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import { buildApp } from '../../http/app.js';
import { createNodeRuntime, type NodeRuntime } from '../../wiring/node-runtime.js';
import { lockDataDir } from './data-dir-lock.js';
import { checkDataDir, ensureDataDir } from './data-dir.js';
import { checkPort, listenFailure } from './port-check.js';
import { lowerV8Helpers } from '../../os/threads.js';
import { promoteStartUpSurvivors } from './startup-survivors.js';

export interface RunningServer {
  ctx: NodeRuntime;
  app: FastifyInstance;
  url: string;
  /** Graceful stop: stop accepting, finish requests in flight, finish jobs in flight, close the database. */
  stop(): Promise<void>;
}

// How often the checkpoint thread reads the WAL's counters; it passes when enough frames wait (CHECKPOINT_CADENCE).
const CHECKPOINT_EVERY_MS = 50;

/**
 * Starts HTTP, the job workers and the periodic jobs in this process (either shape). Everything that can
 * refuse the start (DATA_DIR unusable, port taken, data directory held by another process) is checked before
 * the database is created or migrated; those failures throw a one-line StartupError.
 */
export async function startServer(config: Config): Promise<RunningServer> {
  checkDataDir(config.dataDir);
  await checkPort(config.host, config.port);
  ensureDataDir(config.dataDir);
  const lock = lockDataDir(config.dataDir, 'starting another server on it');
  let started: Omit<RunningServer, 'stop'> & { close(): Promise<void> };
  try {
    started = await startOnLockedDataDir(config);
  } catch (err) {
    lock.release();
    throw err;
  }
  const { ctx, app, url, close } = started;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      try {
        await close();
      } finally {
        lock.release();
      }
    })());
  return { ctx, app, url, stop };
}

/** Opens the database (migrating it), builds the app and listens: only ever with the data directory locked. */
async function startOnLockedDataDir(config: Config): Promise<Omit<RunningServer, 'stop'> & { close(): Promise<void> }> {
  // The embedded file's WAL is checkpointed by a thread of its own (see checkpointer.ts). The AWS shape has no file
  // to checkpoint; its tables, queues and bucket are checked instead. The DATA_DIR lock is ours, so whoever held it
  // before is dead: the jobs it had received run again now, not once their leases lapse (each keeps the attempt it
  // used, as a lapse). This happens as the file opens, before any worker of this process receives.
  const ctx = await createNodeRuntime(
    config,
    {},
    { checkpointEveryMs: CHECKPOINT_EVERY_MS, releaseEarlierLeases: true },
  );
  if (ctx.releasedLeases > 0) {
    ctx.logger.warn({ jobs: ctx.releasedLeases }, 'released the jobs an earlier process held when it stopped');
  }
  try {
    await ctx.verify();
  } catch (err) {
    await ctx.close();
    throw err;
  }
  // The workers start before the app is built (a second or so): the jobs an earlier process left run meanwhile.
  ctx.start();
  let app: FastifyInstance;
  try {
    app = await buildApp(ctx);
  } catch (err) {
    await ctx.close();
    throw err;
  }
  const close = async (): Promise<void> => {
    await app.close();
    await ctx.close();
  };
  let url: string;
  try {
    await app.ready();
    promoteStartUpSurvivors();
    // V8's compiles and collection helpers give way to the HTTP thread (docs/benchmarks.md, issue 22 `s17-unread`).
    lowerV8Helpers(config.v8HelpersNice);
    url = await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await close();
    throw listenFailure(err, config.host, config.port);
  }
  ctx.logger.info(
    { url, dataDir: config.dataDir, workers: config.jobs.concurrency, jobThreads: config.jobs.threads },
    'tweeter is listening',
  );
  return { ctx, app, url, close };
}

/** Stops gracefully on SIGTERM/SIGINT; a second signal exits at once. */
export function stopOnSignals(server: RunningServer): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) process.exit(1);
    signalled = true;
    server.ctx.logger.info({ signal }, 'shutting down: finishing requests and jobs in flight');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.ctx.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

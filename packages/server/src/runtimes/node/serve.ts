import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import { createContext, type AppContext } from '../../context.js';
import { buildApp } from '../../http/app.js';

export interface RunningServer {
  ctx: AppContext;
  app: FastifyInstance;
  url: string;
  /** Graceful stop: stop accepting, finish requests in flight, finish jobs in flight, close the database. */
  stop(): Promise<void>;
}

/** Starts HTTP and the job workers in this process (the embedded shape). */
export async function startServer(config: Config): Promise<RunningServer> {
  const ctx = createContext(config);
  const app = await buildApp(ctx);
  const url = await app.listen({ port: config.port, host: config.host });
  ctx.workers.start();
  ctx.logger.info({ url, dataDir: config.dataDir, workers: config.jobs.concurrency }, 'tweeter is listening');
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await app.close();
      await ctx.close();
    })());
  return { ctx, app, url, stop };
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

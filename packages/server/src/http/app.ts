import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../config/config.js';
import { newId } from '../domain/ids.js';
import type { WorkersHealth } from '../jobs/job-workers.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Store } from '../ports/store.js';
import type { WsStreamServer } from '../adapters/ws/ws-stream-server.js';
import type { StreamProtocol } from '../stream/protocol.js';
import type { Services } from '../services/use-cases.js';
import { createAuthenticate } from './auth.js';
import { enforceContentTypes } from './content-types.js';
import { errorHandler } from './errors.js';
import { lazyChildLogger } from './lazy-child-logger.js';
import { registerOpenApi } from './openapi.js';
import { observeRequests, stampRequestId } from './request-hooks.js';
import { accountDeletionRoutes } from './routes/account-deletion.js';
import { accountRoutes } from './routes/accounts.js';
import { safetyRoutes } from './routes/safety.js';
import { peopleRoutes } from './routes/people.js';
import { notificationRoutes } from './routes/notifications.js';
import { meRoutes } from './routes/me.js';
import { avatarRoutes } from './routes/avatars.js';
import { mediaRoutes } from './routes/media.js';
import { boardMessageRoutes } from './routes/board-messages.js';
import { boardRoutes } from './routes/boards.js';
import { commentRoutes } from './routes/comments.js';
import { reactionRoutes } from './routes/reactions.js';
import { repostRoutes } from './routes/reposts.js';
import { statusRoutes } from './routes/statuses.js';
import { statusSearchRoutes } from './routes/status-search.js';
import { threadRoutes } from './routes/threads.js';
import { streamRoutes } from './routes/stream.js';
import { systemRoutes } from './routes/system.js';
import { webAppRoutes } from './routes/web-app.js';

/** What the HTTP app is built from: the use cases, and the process parts its routes report on or serve. */
export interface HttpParts {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: Store;
  queue: JobQueue;
  metrics: Metrics;
  services: Services;
  /** The `ws` transport: this process's stream sockets (GET /api/v1/stream); null where none reaches it (Lambda). */
  hub: WsStreamServer | null;
  /** The stream protocol the `ws` transport drives; null with no `ws` transport. */
  protocol: StreamProtocol | null;
  /** The job workers of this process, for /healthz; null where jobs run elsewhere (Lambda: their own functions). */
  workers: { health(): WorkersHealth } | null;
}

/** The HTTP app over its parts: every route of docs/api.md, the error shape, metrics and OpenAPI. */
export async function buildApp(ctx: HttpParts): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Every request's pino child (its bindings go through redaction) is made only when the request logs a line:
    // with request logging off, a request that succeeds never does (lazy-child-logger.ts).
    childLoggerFactory: lazyChildLogger,
    bodyLimit: ctx.config.bodyLimitBytes,
    // The client address (login and sign-up limits) from X-Forwarded-For only behind trusted proxies.
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    genReqId: () => newId(),
    return503OnClosing: true,
    // Errors raised before routing (over-long path parameters, malformed URLs) get the error shape too.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
    forceCloseConnections: 'idle',
  });
  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by typed presenters (the type provider checks them at compile time), so the hot
  // path skips re-validating every response; the schemas still document the responses in OpenAPI.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler);
  enforceContentTypes(app);

  // The request id header and the duration metrics: no onRequest hook, one callback onResponse hook (request-hooks.ts).
  observeRequests(app, ctx.metrics.httpDuration);

  await registerOpenApi(app, { publicUrl: ctx.config.publicUrl });

  const auth = createAuthenticate(ctx.services.sessions);
  const deps = { services: ctx.services, auth };
  accountRoutes(app, deps);
  safetyRoutes(app, deps);
  peopleRoutes(app, deps);
  notificationRoutes(app, deps);
  accountDeletionRoutes(app, deps);
  meRoutes(app, deps);
  avatarRoutes(app, deps);
  mediaRoutes(app, deps);
  statusRoutes(app, deps);
  statusSearchRoutes(app, deps);
  threadRoutes(app, deps);
  boardRoutes(app, deps);
  boardMessageRoutes(app, deps);
  reactionRoutes(app, deps);
  repostRoutes(app, deps);
  commentRoutes(app, deps);
  systemRoutes(app, {
    store: ctx.store,
    queue: ctx.queue,
    metrics: ctx.metrics,
    workersOk: () => ctx.workers?.health().ok ?? true,
    mediaUpload: () => ctx.services.directUploads.options(),
    stream: { streamUrl: ctx.config.streamUrl, publicUrl: ctx.config.publicUrl },
  });
  const { hub, protocol } = ctx;
  await streamRoutes(
    app,
    hub && protocol && { server: hub, protocol, limits: ctx.config.stream, clock: ctx.clock, logger: ctx.logger },
  );
  // A page load of a deep link (/users/ada) gets the app, which routes on the client; the rest get the 404 shape.
  const appShell = await webAppRoutes(app, { webDir: ctx.config.webDir });
  app.setNotFoundHandler((req, reply) => {
    stampRequestId(req, reply);
    if (appShell.wants(req)) return appShell.send(reply);
    return errorHandler(
      Object.assign(new Error(`no route ${req.method} ${req.url.split('?')[0]}`), { statusCode: 404 }),
      req,
      reply,
    );
  });
  await app.ready();
  return app;
}

/** Fastify's trustProxy; a hop count becomes proxy-addr's own rule ("trust the n nearest hops"), typed as a function. */
function trustProxyOption(
  value: boolean | number | string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value !== 'number') return value;
  return (_address, hop) => hop < value;
}

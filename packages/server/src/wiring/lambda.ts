// The Lambda functions' parts, one builder per function: each opens the stores and builds what its handler calls,
// and nothing else (no `ws` hub, no scheduler, no worker pool: SQS and EventBridge invoke the functions instead).

import type { Config } from '../config/config.js';
import type { HttpParts } from '../http/app.js';
import type { ProcessorRegistry } from '../jobs/processor-registry.js';
import { createLogger, type Logger } from '../logger.js';
import { createJobMetrics, createMetrics } from '../metrics.js';
import { systemClock } from '../ports/clock.js';
import { noRealtime, type Realtime } from '../ports/realtime.js';
import type { ApiGatewayStreamRoutes } from '../adapters/apigw/stream-routes.js';
import { createChannelAuthorizer } from '../stream/authorize.js';
import { createJobRegistry } from './jobs.js';
import { createReadModel } from './read-model.js';
import { createApiGatewayStreamRoutes, createStreamProtocol, openApiGatewayTransport } from './live-push.js';
import { liveAudience } from '../stream/live-audience.js';
import type { Services } from '../services/use-cases.js';
import { createServices } from './services.js';
import { openBlobs, openStores } from './stores.js';

/** The HTTP function: the app's parts, without sockets or workers of its own. */
export interface LambdaHttp extends HttpParts {
  /** Sent before each invocation returns (a frozen function sends nothing). */
  realtime: Realtime;
}

/** The SQS and schedule functions: the job processors. */
export interface LambdaJobs {
  logger: Logger;
  jobs: ProcessorRegistry;
  realtime: Realtime;
}

/** The WebSocket function: the live-stream protocol for API Gateway's routes. */
export interface LambdaWebSocket {
  gateway: ApiGatewayStreamRoutes;
  realtime: Realtime;
}

/** The use cases and the HTTP app's parts; live events go to API Gateway's connections (TWEETER_REALTIME=apigw). */
export async function createLambdaHttp(config: Config): Promise<LambdaHttp> {
  const opened = await openForLambda(config);
  const { clock, logger, store, queue, realtime } = opened;
  const services = await lambdaServices(config, opened);
  const metrics = createMetrics(queue);
  return {
    config,
    logger,
    clock,
    store,
    queue,
    metrics,
    services,
    realtime,
    hub: null,
    protocol: null,
    workers: null,
  };
}

/** The export function: the use cases it calls (token check and export), over the stores. */
export async function createLambdaExport(config: Config): Promise<{ services: Services }> {
  return { services: await lambdaServices(config, await openForLambda(config)) };
}

/** The job processors over the stores, pushing live events to API Gateway's connections. */
export async function createLambdaJobs(config: Config): Promise<LambdaJobs> {
  const { clock, logger, store, queue, realtime } = await openForLambda(config);
  const { hydrator } = createReadModel(config, store, clock);
  const blobs = (await openBlobs(config)).value;
  const metrics = createJobMetrics();
  const jobs = createJobRegistry(config, { store, blobs, queue, hydrator, realtime, clock, metrics });
  return { logger, jobs, realtime };
}

/** The live-stream protocol over API Gateway's connection records; throws unless TWEETER_REALTIME=apigw. */
export async function createLambdaWebSocket(config: Config): Promise<LambdaWebSocket> {
  const opened = await openForLambda(config);
  const { clock, logger, apigw } = opened;
  if (!apigw) throw new Error('the WebSocket handler needs TWEETER_REALTIME=apigw');
  const services = await lambdaServices(config, opened);
  const protocol = createStreamProtocol(config, {
    authenticate: (token) => services.sessions.authenticate(token),
    sessionState: (tokenHash) => services.sessions.state(tokenHash),
    authorizeChannel: createChannelAuthorizer(services),
    clock,
    logger,
  });
  const gateway = createApiGatewayStreamRoutes(apigw, { protocol, clock });
  return { gateway, realtime: apigw.realtime };
}

/**
 * What every function opens: the stores (for the life of the instance: never closed) and, with
 * TWEETER_REALTIME=apigw, API Gateway's connections. Without it live events go nowhere (no socket reaches a function).
 */
async function openForLambda(config: Config) {
  const clock = systemClock;
  const logger = createLogger(config.logLevel);
  const { store, queue } = (await openStores(config, clock)).value;
  const apigw = await openApiGatewayTransport(config, { clock, logger, follows: liveAudience(store) });
  const realtime: Realtime = apigw?.realtime ?? noRealtime;
  return { clock, logger, store, queue, apigw, realtime };
}

/** The use cases over what a function opened: live events to API Gateway's connections, a sign-out closes them. */
async function lambdaServices(config: Config, opened: Awaited<ReturnType<typeof openForLambda>>) {
  const { clock, store, realtime, apigw, queue } = opened;
  const blobs = (await openBlobs(config)).value;
  return createServices({
    config,
    clock,
    store,
    blobs,
    queue,
    realtime,
    onSignOut: (tokenHash) => apigw?.realtime.closeSession(tokenHash),
    onAccountGone: (alias) => apigw?.realtime.closeUser(alias),
  }).services;
}
